"""The district's efficiency reports reached from the console (issue #12 → #14): the period form, the
unserved villages, the printable report with its server-drawn charts, and the XLSX export."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import check_page, sign_in_as


def test_admin_opens_the_efficiency_report_prints_it_and_downloads_the_workbook(context, page, web_platform):
    sign_in_as(context, web_platform, "admin", sub="admin-console-reports", name="区文旅委 管理员")
    page.goto("/console")
    page.get_by_role("link", name="服务效能报告").click()
    check_page(page, "console-reports")
    year = str(dt.date.today().year)
    page.get_by_label("统计期").fill(year)
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("heading", name=f"{year} 的报告")).to_be_visible()
    check_page(page, "console-reports-period")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel（XLSX）").click()
    workbook = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert workbook.sheetnames  # a real workbook, as the gateway's export writes it

    page.get_by_role("link", name="打印版（含图表）").click()
    expect(page.locator("svg").first).to_be_attached()  # charts drawn on the server, nothing fetched outside
    check_page(page, "console-report-printable")
    # The gateway's ETag comes through the web app: a browser that has the page gets a 304, not the SVGs again.
    for _attempt in range(2):  # the page shows the minute it was made: across a minute boundary it is a new page
        first = page.request.get(page.url)
        assert first.status == 200 and "private" in first.headers["cache-control"]
        again = page.request.get(page.url, headers={"If-None-Match": first.headers["etag"]})
        if again.status == 304:
            break
    assert again.status == 304 and again.headers["etag"] == first.headers["etag"]

    resident = web_platform.client("resident")
    assert resident.get("/api/v1/reports/district", params={"period": year}).status_code == 403
