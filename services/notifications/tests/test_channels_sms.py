import json

import pytest

from services.notifications.channels.sms import (
    DevSmsProvider,
    InvalidPhoneNumber,
    SmsProvider,
    normalize_phone,
    segment_count,
    sms_length,
    split_sms,
)


@pytest.mark.parametrize(
    "length, segments",
    [(0, 0), (1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_segments_are_70_single_or_67_per_part(length, segments):
    text = "文" * length
    assert segment_count(text) == segments
    parts = split_sms(text)
    assert "".join(parts) == text
    if segments > 1:
        assert all(sms_length(part) <= 67 for part in parts)


def test_characters_outside_the_bmp_count_twice_and_are_never_cut():
    text = "🎉" * 35  # 70 UCS-2 units
    assert sms_length(text) == 70 and segment_count(text) == 1
    longer = "文" + text  # 71 units: two parts, each pair kept whole
    parts = split_sms(longer)
    assert len(parts) == 2 and "".join(parts) == longer
    assert all(sms_length(p) <= 67 for p in parts)


@pytest.mark.parametrize(
    "raw, normalised",
    [
        ("13812345678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("008613812345678", "+8613812345678"),
        ("8613812345678", "+8613812345678"),
        ("+4915112345678", "+4915112345678"),
    ],
)
def test_phone_numbers_are_normalised(raw, normalised):
    assert normalize_phone(raw) == normalised


@pytest.mark.parametrize("raw", ["", "12345", "02388888888", "1381234567", "abc"])
def test_unusable_phone_numbers_are_refused(raw):
    with pytest.raises(InvalidPhoneNumber):
        normalize_phone(raw)


def test_dev_provider_stores_json_lines_and_reads_them_back(tmp_path):
    store = tmp_path / "var" / "sms.jsonl"
    provider: SmsProvider = DevSmsProvider(store)
    text = "很抱歉，您预约的「电影放映」已取消，原因：天气原因。"
    message_id = provider.send("138 1234 5678", text, "evt-1:p-1:sms")

    [sent] = provider.sent()
    assert sent.provider_message_id == message_id
    assert (sent.phone, sent.text, sent.dedupe_key, sent.segments) == ("+8613812345678", text, "evt-1:p-1:sms", 1)
    assert sent.full_text == "【文云】" + text
    line = json.loads(store.read_text(encoding="utf-8").splitlines()[0])
    assert line["text"] == text  # readable Chinese in the file, not \u escapes
    assert "电影放映" in store.read_text(encoding="utf-8")


def test_dev_provider_sends_each_dedupe_key_once(tmp_path):
    provider = DevSmsProvider(tmp_path / "sms.jsonl")
    first = provider.send("13812345678", "您已成功预约「讲座」。", "evt-1:p-1:sms")
    again = provider.send("13812345678", "您已成功预约「讲座」。", "evt-1:p-1:sms")
    other = provider.send("13812345678", "您已成功预约「讲座」。", "evt-1:p-2:sms")
    assert first == again != other
    assert [s.dedupe_key for s in provider.sent()] == ["evt-1:p-1:sms", "evt-1:p-2:sms"]
    # a second provider on the same file (another process) sees the same history
    assert DevSmsProvider(tmp_path / "sms.jsonl").send("13812345678", "x", "evt-1:p-1:sms") == first


def test_signature_counts_towards_segments(tmp_path):
    provider = DevSmsProvider(tmp_path / "sms.jsonl")
    provider.send("13812345678", "文" * 66, "k1")  # 4 + 66 = 70
    provider.send("13812345678", "文" * 67, "k2")  # 71: two parts
    bare = DevSmsProvider(tmp_path / "bare.jsonl", signature="")
    bare.send("13812345678", "文" * 67, "k3")
    assert [s.segments for s in provider.sent()] == [1, 2]
    assert bare.sent()[0].segments == 1


def test_dev_provider_refuses_bad_input_and_empty_store_reads_empty(tmp_path):
    provider = DevSmsProvider(tmp_path / "sms.jsonl")
    assert provider.sent() == []
    with pytest.raises(ValueError):
        provider.send("13812345678", "  ", "k")
    with pytest.raises(ValueError):
        provider.send("13812345678", "text", "")
    with pytest.raises(InvalidPhoneNumber):
        provider.send("110", "text", "k")
    assert provider.sent() == []
