"""The hostile query parameters of test_parameters.py on the other half of the URLs."""

from .test_parameters import hostile_query_parameters_give_no_server_error


def test_hostile_query_parameters_never_give_a_server_error_on_the_second_half_of_the_urls(personas):
    hostile_query_parameters_give_no_server_error(personas, 1)
