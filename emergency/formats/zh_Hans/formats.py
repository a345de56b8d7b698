"""Where our Chinese dates differ from Django's zh_Hans formats (FORMAT_MODULE_PATH): month and day
as official documents write them, 9月5日 rather than 09月5日."""

MONTH_DAY_FORMAT = "n月j日"
