"""The Aliyun SMS adapter against a local HTTP server speaking dysmsapi's documented API: it checks
each request's signature (its own implementation of the documented algorithm), answers SendSms with a
BizId and QuerySendDetails with what it has sent — so a resend after a crash must not be a second text."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from services.notifications.channels.sms import InvalidPhoneNumber
from services.notifications.channels.sms_aliyun import AliyunSmsError, AliyunSmsProvider

KEY_ID, SECRET = "LTAI-test-key", "test-secret-of-the-access-key"


def documented_signature(params: dict[str, str]) -> str:
    """https://help.aliyun.com/document_detail/315526.html (RPC signature v1), written out independently."""

    def enc(text: str) -> str:
        return urllib.parse.quote(text, safe="~").replace("+", "%20").replace("*", "%2A")

    canonical = "&".join(f"{enc(k)}={enc(params[k])}" for k in sorted(params) if k != "Signature")
    to_sign = "POST&%2F&" + enc(canonical)
    return base64.b64encode(hmac.new((SECRET + "&").encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


class FakeDysms:
    def __init__(self):
        self.sent: list[dict] = []
        self.requests: list[dict] = []
        self.next_code = "OK"
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("content-length", 0))
                params = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode("utf-8")))
                server.requests.append(params)
                body = server.answer(params)
                raw = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def answer(self, params: dict) -> dict:
        if params.get("Signature") != documented_signature(params) or params.get("AccessKeyId") != KEY_ID:
            return {"Code": "SignatureDoesNotMatch", "Message": "bad signature", "RequestId": "r-sig"}
        if params.get("Version") != "2017-05-25" or params.get("SignatureMethod") != "HMAC-SHA1":
            return {"Code": "InvalidVersion", "Message": "?", "RequestId": "r-v"}
        if params["Action"] == "SendSms":
            if self.next_code != "OK":
                return {"Code": self.next_code, "Message": "refused", "RequestId": "r-err"}
            self.sent.append(params)
            return {"Code": "OK", "Message": "OK", "RequestId": f"r-{len(self.sent)}", "BizId": f"biz-{len(self.sent)}"}
        if params["Action"] == "QuerySendDetails":
            mine = [
                {
                    "PhoneNum": p["PhoneNumbers"],
                    "SendStatus": 3,
                    "OutId": p["OutId"],
                    "TemplateCode": p["TemplateCode"],
                    "Content": "…",
                }
                for p in self.sent
                if p["PhoneNumbers"] == params["PhoneNumber"]
            ]
            return {
                "Code": "OK",
                "Message": "OK",
                "RequestId": "r-q",
                "TotalCount": len(mine),
                "SmsSendDetailDTOs": {"SmsSendDetailDTO": mine},
            }
        return {"Code": "InvalidAction", "Message": "?", "RequestId": "r-a"}

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def dysms():
    server = FakeDysms()
    yield server
    server.stop()


def provider(url: str) -> AliyunSmsProvider:
    return AliyunSmsProvider(
        KEY_ID, SECRET, "文云", "SMS_000_GENERIC", {"dispatch.offered": "SMS_101_OFFER"}, endpoint=url
    )


def test_a_text_goes_with_its_kinds_template_signature_and_dedupe_key(dysms):
    biz_id = provider(dysms.url).send(
        "138 0013 8000", "志愿服务邀请：中秋诗会 接受：https://w/o/t/accept", "evt-1:v-1:sms", kind="dispatch.offered"
    )
    [sent] = dysms.sent
    assert biz_id == "biz-1"
    assert (sent["PhoneNumbers"], sent["SignName"], sent["TemplateCode"], sent["OutId"]) == (
        "13800138000",
        "文云",
        "SMS_101_OFFER",
        "evt-1:v-1:sms",
    )
    assert json.loads(sent["TemplateParam"]) == {"content": "志愿服务邀请：中秋诗会 接受：https://w/o/t/accept"}
    provider(dysms.url).send("13800138000", "活动取消", "evt-2:p-1:sms", kind="event.cancelled")
    assert dysms.sent[1]["TemplateCode"] == "SMS_000_GENERIC"  # no template of its own: the default


def test_a_resend_after_a_crash_is_not_a_second_text(dysms):
    sms = provider(dysms.url)
    first = sms.send("13800138000", "提醒：明天 19:00 露天电影", "evt-3:p-1:sms")
    again = sms.send("13800138000", "提醒：明天 19:00 露天电影", "evt-3:p-1:sms", maybe_sent=True)
    assert len(dysms.sent) == 1 and first == "biz-1" and again == "aliyun-outid:evt-3:p-1:sms"
    other = sms.send("13800138000", "另一条", "evt-4:p-1:sms", maybe_sent=True)  # never sent: it goes now
    assert len(dysms.sent) == 2 and other == "biz-2"


def test_refusals_fail_for_good_and_limits_are_retried(dysms):
    sms = provider(dysms.url)
    dysms.next_code = "isv.MOBILE_NUMBER_ILLEGAL"
    with pytest.raises(InvalidPhoneNumber):
        sms.send("13800138000", "x", "k-1")
    dysms.next_code = "isv.BUSINESS_LIMIT_CONTROL"  # too many texts to this number now: later
    with pytest.raises(AliyunSmsError, match="BUSINESS_LIMIT_CONTROL"):
        sms.send("13800138000", "x", "k-2")
    wrong_key = AliyunSmsProvider(KEY_ID, "not-the-secret", "文云", "SMS_000_GENERIC", endpoint=dysms.url)
    with pytest.raises(AliyunSmsError, match="SignatureDoesNotMatch"):
        wrong_key.send("13800138000", "x", "k-3")
    assert dysms.sent == []
