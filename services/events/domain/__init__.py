"""Pure domain rules of the events service: plain Python plus lunardate, chinese_calendar and
icalendar — no nameko, no database, no I/O, so every rule is unit-tested on its own.

festivals      festival dates (lunar, solar-term, fixed) and festival seasons
lifecycle      event kinds, target groups, event states, times and volunteer needs
registrations  places, kept-back quota, groups, waitlist and promotion; registration states
orders         the menu of offerings and village orders
feedback       ratings after attendance and satisfaction figures
notice_board   public notice entries and the standing-free-activities standard
calendar_feed  the iCalendar (RFC 5545) feed
(RuleViolation and InvalidTransition come from kit.rules, shared by every service)
"""
