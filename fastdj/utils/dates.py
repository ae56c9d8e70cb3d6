"""Month and weekday names (English; fastdj has no translations)."""

WEEKDAYS = {
    0: "Monday",
    1: "Tuesday",
    2: "Wednesday",
    3: "Thursday",
    4: "Friday",
    5: "Saturday",
    6: "Sunday",
}
WEEKDAYS_ABBR = {i: name[:3] for i, name in WEEKDAYS.items()}
MONTHS = {
    1: "January",
    2: "February",
    3: "March",
    4: "April",
    5: "May",
    6: "June",
    7: "July",
    8: "August",
    9: "September",
    10: "October",
    11: "November",
    12: "December",
}
MONTHS_3 = {i: name[:3].lower() for i, name in MONTHS.items()}
# Associated Press style abbreviations.
MONTHS_AP = {
    1: "Jan.",
    2: "Feb.",
    3: "March",
    4: "April",
    5: "May",
    6: "June",
    7: "July",
    8: "Aug.",
    9: "Sept.",
    10: "Oct.",
    11: "Nov.",
    12: "Dec.",
}
# Some locales need a different form for long dates; in English it is the same.
MONTHS_ALT = dict(MONTHS)
