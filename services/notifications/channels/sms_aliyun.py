"""Aliyun SMS (阿里云短信服务, dysmsapi 2017-05-25) through its documented HTTP API.

`SendSms` sends only approved templates: each message kind (the fact's type, e.g. `dispatch.offered`)
has its template code, registered with Aliyun, whose one variable `${content}` takes our rendered text;
kinds without their own use the default template. The signature (SignName) is the registered one.

Not twice after a crash: every text carries our dedupe key as Aliyun's `OutId`. When a text may
already have gone out (the process died after handing it over, or an earlier attempt timed out), the
adapter first asks `QuerySendDetails` for that number's texts of the day and, if one carries this
`OutId`, takes it as sent instead of sending again.

Requests are signed as the RPC-style API documents (SignatureVersion 1.0, HMAC-SHA1 over the sorted,
percent-encoded parameters with the AccessKey secret + "&"). Keys come from the settings only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import httpx

from services.notifications.channels.sms import InvalidPhoneNumber, normalize_phone

API_VERSION = "2017-05-25"
CHINA = timezone(timedelta(hours=8))  # SendDate of QuerySendDetails is a Beijing-time day
# Codes that no retry will fix: the number or the content is wrong, or the account cannot send it.
REFUSED_FOR_GOOD = {
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.INVALID_PARAMETERS",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.PARAM_LENGTH_LIMIT",
    "isv.BLACK_KEY_CONTROL_LIMIT",
    "isv.MOBILE_COUNT_OVER_LIMIT",
    "isv.AMOUNT_NOT_ENOUGH",
}


class AliyunSmsError(Exception):
    """Aliyun answered with a code other than OK (a retry may help: limits, outages)."""

    def __init__(self, code: str, message: str, request_id: str | None):
        super().__init__(f"Aliyun SMS {code}: {message} (RequestId {request_id})")
        self.code, self.request_id = code, request_id


def percent_encode(value: str) -> str:
    """RFC 3986 as the Aliyun signature wants it: only A-Z a-z 0-9 - _ . ~ stay as they are."""
    return quote(value, safe="-_.~")


def signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


@dataclass
class AliyunSmsProvider:
    access_key_id: str
    access_key_secret: str
    sign_name: str
    default_template: str
    templates: dict[str, str] = field(default_factory=dict)  # message kind → TemplateCode
    endpoint: str = "https://dysmsapi.aliyuncs.com/"
    region: str = "cn-hangzhou"
    timeout: float = 10.0

    def send(self, phone: str, text: str, dedupe_key: str, *, kind: str | None = None, maybe_sent: bool = False) -> str:
        if not text or not text.strip():
            raise ValueError("refusing to send an empty SMS")
        number = normalize_phone(phone)
        domestic = number[3:] if number.startswith("+86") else number.lstrip("+")
        out_id = dedupe_key[:256]
        if maybe_sent:
            earlier = self.already_sent(domestic, out_id)
            if earlier is not None:
                return earlier
        answer = self._call(
            {
                "Action": "SendSms",
                "PhoneNumbers": domestic,
                "SignName": self.sign_name,
                "TemplateCode": self.templates.get(kind or "", self.default_template),
                "TemplateParam": json.dumps({"content": text}, ensure_ascii=False),
                "OutId": out_id,
            }
        )
        return answer.get("BizId") or answer["RequestId"]

    def already_sent(self, domestic_number: str, out_id: str) -> str | None:
        """The provider's record of a text with this OutId to this number, today or yesterday (Beijing)."""
        today = datetime.now(CHINA).date()
        for day in (today, today - timedelta(days=1)):
            page = 1
            while True:
                answer = self._call(
                    {
                        "Action": "QuerySendDetails",
                        "PhoneNumber": domestic_number,
                        "SendDate": day.strftime("%Y%m%d"),
                        "PageSize": "50",
                        "CurrentPage": str(page),
                    }
                )
                details = (answer.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO") or []
                for detail in details:
                    if detail.get("OutId") == out_id and str(detail.get("SendStatus")) != "2":  # 2: failed
                        return f"aliyun-outid:{out_id}"
                if page * 50 >= int(answer.get("TotalCount") or 0):
                    break
                page += 1
        return None

    def _call(self, action_params: dict[str, str]) -> dict:
        params = {
            "AccessKeyId": self.access_key_id,
            "Format": "JSON",
            "RegionId": self.region,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
            **action_params,
        }
        params["Signature"] = signature(params, self.access_key_secret)
        response = httpx.post(self.endpoint, data=params, timeout=self.timeout)
        try:
            answer = response.json()
        except ValueError as exc:
            raise AliyunSmsError(f"HTTP {response.status_code}", "not a JSON answer", None) from exc
        code = answer.get("Code", f"HTTP {response.status_code}")
        if code != "OK":
            if code == "isv.MOBILE_NUMBER_ILLEGAL":
                raise InvalidPhoneNumber(f"Aliyun refused the number ({answer.get('Message')})")
            if code in REFUSED_FOR_GOOD:
                raise ValueError(f"Aliyun SMS {code}: {answer.get('Message')} (RequestId {answer.get('RequestId')})")
            raise AliyunSmsError(code, str(answer.get("Message")), answer.get("RequestId"))
        return answer
