from tests.template.tagdefs import build

register = build("fastdj")
