"""The counter console: web pages for counter staff, the hall display and the applicant's progress
page, served by ``kiosk-hub serve`` on the kiosk API's port (docs/console.md)."""
