"""Plain HTML pages for residents (notice boards, 公示): readable on a phone, no scripts, no CDN."""
from __future__ import annotations

from html import escape

from fastapi.responses import HTMLResponse

STYLE = """
body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:1rem;max-width:48rem;
margin-inline:auto;line-height:1.55;color:#1b1b1b;background:#fafaf7}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin:1.4rem 0 .5rem;border-bottom:2px solid #b22;
padding-bottom:.2rem}table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{text-align:left;
padding:.35rem .4rem;border-bottom:1px solid #ddd;vertical-align:top}.muted{color:#666;font-size:.9rem}
.notice{background:#fff3f3;border-left:4px solid #b22;padding:.5rem .8rem;margin:.6rem 0}
.card{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:.6rem .8rem;margin:.5rem 0}
button{font-size:1.05rem;padding:.6rem 1.2rem;margin:.3rem .4rem .3rem 0}
"""


def text(value) -> str:
    """Escape anything shown on a page."""
    return escape("" if value is None else str(value))


def page(title: str, body_html: str, *, status_code: int = 200) -> HTMLResponse:
    """`body_html` must already be escaped (build it with `text()`)."""
    html = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{text(title)}</title><style>{STYLE}</style></head>"
        f"<body><h1>{text(title)}</h1>{body_html}"
        '<p class="muted">文云 · 公共文化服务平台</p></body></html>'
    )
    return HTMLResponse(html, status_code=status_code)
