"""The synonyms a bureau's sheets commonly use for the imports' choices: a new installation's
defaults (seeded by a migration), changed on the 规则设置 page afterwards."""

# (import kind, field, stored value, synonyms)
DEFAULTS = [
    ("orgs", "stage", "vocational", ["职高", "中专", "职校", "中职", "职业高中", "中等职业技术学校"]),
    ("orgs", "stage", "nine_year", ["九年制", "九年一贯制学校"]),
    ("orgs", "stage", "complete", ["完中", "完全中学校"]),
    ("orgs", "stage", "kindergarten", ["幼儿学校", "学前教育"]),
    ("orgs", "stage", "junior", ["初级中学"]),
    ("orgs", "stage", "senior", ["高级中学", "普高", "普通高中"]),
    ("orgs", "stage", "special", ["特教", "特殊学校", "特殊教育"]),
    ("orgs", "kind", "city", ["市局", "市教育局（教体局）"]),
    ("orgs", "kind", "district", ["区教育局", "县教育局", "区县局", "区局", "县局"]),
    ("plans", "category", "comprehensive", ["综合预案", "总体预案", "总体应急预案"]),
    ("plans", "category", "special", ["专项预案"]),
    ("plans", "category", "on_site", ["现场处置预案", "处置方案"]),
    ("plans", "event_types", "health", ["公共卫生"]),
    ("plans", "event_types", "social", ["社会安全"]),
    ("plans", "status", "retired", ["废止", "作废"]),
    ("drills", "drill_type", "evacuation", ["疏散演练", "应急疏散"]),
    ("drills", "drill_type", "fire", ["消防演练", "火灾"]),
    ("drills", "drill_type", "earthquake", ["防震演练", "地震"]),
    ("drills", "drill_type", "stampede", ["防踩踏演练"]),
    ("drills", "drill_type", "anti_terror", ["反恐", "防暴", "反恐防暴演练"]),
    ("drills", "drill_type", "drowning", ["防溺水演练"]),
    ("drills", "drill_form", "live", ["实战", "实地演练"]),
    ("drills", "drill_form", "tabletop", ["桌面演练", "桌面推演演练"]),
    ("drills", "drill_form", "combined", ["综合"]),
    ("hazards", "level", "general", ["一般"]),
    ("hazards", "level", "major", ["重大"]),
    ("hazards", "category", "fire", ["消防"]),
    ("hazards", "category", "building", ["校舍"]),
    ("hazards", "category", "food", ["食品安全", "食品"]),
    ("hazards", "category", "traffic", ["交通"]),
    ("hazards", "category", "electricity", ["用电"]),
    ("hazards", "status", "pending", ["未整改"]),
    ("hazards", "status", "rectifying", ["正在整改"]),
    ("supplies", "category", "fire", ["消防", "消防设备"]),
    ("supplies", "category", "medical", ["医疗", "急救"]),
    ("supplies", "category", "rescue", ["救生"]),
    ("supplies", "category", "lighting", ["照明", "通信"]),
    ("supplies", "category", "protective", ["防护"]),
    ("duty", "shift", "day", ["白天", "日班"]),
    ("duty", "shift", "night", ["夜间", "晚班"]),
    ("duty", "shift", "full", ["24小时", "全日"]),
    ("outreach", "form", "class_meeting", ["班会", "主题班会", "队会"]),
    ("outreach", "form", "lecture", ["讲座", "专题讲座"]),
    ("outreach", "form", "video", ["视频"]),
    ("outreach", "topics", "fire", ["消防"]),
    ("outreach", "topics", "earthquake", ["地震"]),
    ("outreach", "topics", "traffic", ["交通安全"]),
    ("outreach", "topics", "drowning", ["溺水"]),
    ("outreach", "topics", "flood", ["防汛", "防台"]),
    ("outreach", "topics", "lightning", ["雷电"]),
]


def seed_defaults(model) -> None:
    """Store the defaults in `model` (ChoiceSynonym, or its historical form in a migration)."""
    model.objects.bulk_create(
        [model(kind=k, field=f, synonym=s, value=v) for k, f, v, names in DEFAULTS for s in names],
        ignore_conflicts=True,
    )
