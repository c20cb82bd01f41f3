"""The official line-bot-sdk v3 talks to the fake unchanged."""

import json
import uuid

import pytest
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    ErrorResponse,
    FlexContainer,
    FlexMessage,
    MessagingApi,
    MulticastRequest,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from linebot.v3.messaging.models import DatetimePickerAction, PostbackAction

from tests.sandbox.conftest import ACCESS_TOKEN, HANAKO, ICHIRO


@pytest.fixture
def api(sandbox):
    configuration = Configuration(host=sandbox.line_url, access_token=ACCESS_TOKEN)
    with ApiClient(configuration) as client:
        yield MessagingApi(client)


def test_push_with_a_retry_key_and_the_409_on_retry(sandbox, api):
    sandbox.line.follow(HANAKO)
    request = PushMessageRequest(
        to=HANAKO, messages=[TextMessage(text="受け付けました")]
    )
    key = str(uuid.uuid4())

    sent = api.push_message_with_http_info(request, x_line_retry_key=key)
    with pytest.raises(ApiException) as caught:
        api.push_message(request, x_line_retry_key=key)

    assert sent.status_code == 200
    assert sent.data.sent_messages[0].id.isdigit()
    assert caught.value.status == 409
    accepted = caught.value.headers["x-line-accepted-request-id"]
    assert accepted == sent.headers["x-line-request-id"]
    error = ErrorResponse.from_json(caught.value.body)
    assert error.message == "The retry key is already accepted"
    assert sandbox.line.texts_for(HANAKO) == ["受け付けました"]


def test_an_echo_bot_replies_through_the_sdk(sandbox, receiver, api):
    def echo(received):
        for event in received.payload["events"]:
            if event["type"] == "message":
                request = ReplyMessageRequest(
                    reply_token=event["replyToken"],
                    messages=[TextMessage(text=f"「{event['message']['text']}」")],
                )
                api.reply_message(request)

    receiver.on_request = echo

    sandbox.line.send_text(HANAKO, "こんにちは")

    assert sandbox.line.wait_for_messages(HANAKO, 1, timeout=2) == [
        {"type": "text", "text": "「こんにちは」"}
    ]
    assert sandbox.line.sent_for(HANAKO)[0].endpoint == "reply"


def test_quick_replies_and_flex_from_sdk_models_are_valid(sandbox, api):
    sandbox.line.follow(HANAKO)
    quick_reply = QuickReply(
        items=[
            QuickReplyItem(
                action=PostbackAction(label="はい", data="yes", display_text="はい")
            ),
            QuickReplyItem(
                action=DatetimePickerAction(
                    label="日付を選ぶ", data="birth", mode="date", initial="1985-04-12"
                )
            ),
        ]
    )
    bubble = {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "contents": [{"type": "text", "text": "申請内容の確認"}],
        },
    }
    messages = [
        TextMessage(text="よろしいですか", quick_reply=quick_reply),
        FlexMessage(
            alt_text="確認", contents=FlexContainer.from_json(json.dumps(bubble))
        ),
    ]

    api.push_message(PushMessageRequest(to=HANAKO, messages=messages))

    sent = sandbox.line.messages_for(HANAKO)
    assert sent[0]["quickReply"]["items"][1]["action"]["mode"] == "date"
    assert sent[1]["contents"] == bubble


def test_profile_loading_quota_and_multicast(sandbox, api):
    sandbox.line.follow(HANAKO, "はなこ")
    sandbox.line.follow(ICHIRO)

    profile = api.get_profile(HANAKO)
    api.show_loading_animation(ShowLoadingAnimationRequest(chat_id=HANAKO))
    api.multicast(
        MulticastRequest(to=[HANAKO, ICHIRO], messages=[TextMessage(text="お知らせ")]),
        x_line_retry_key=str(uuid.uuid4()),
    )
    quota = api.get_message_quota()
    consumption = api.get_message_quota_consumption()

    assert profile.display_name == "はなこ"
    assert profile.language == "ja"
    assert quota.type == "none"
    assert consumption.total_usage == 2
    assert sandbox.line.texts_for(ICHIRO) == ["お知らせ"]


def test_validation_errors_reach_the_sdk_as_line_error_bodies(sandbox, api):
    sandbox.line.follow(HANAKO)
    request = PushMessageRequest(to=HANAKO, messages=[TextMessage(text="x" * 5001)])

    with pytest.raises(ApiException) as caught:
        api.push_message(request)

    assert caught.value.status == 400
    error = ErrorResponse.from_json(caught.value.body)
    assert error.message == "The request body has 1 error(s)"
    assert error.details[0].var_property == "messages[0].text"


def test_a_photo_is_fetched_from_the_blob_endpoint(sandbox, receiver):
    from linebot.v3.messaging import MessagingApiBlob

    sandbox.line.send_image(HANAKO, b"\xff\xd8fake-jpeg", "image/jpeg")
    message_id = receiver.received[0].payload["events"][0]["message"]["id"]
    configuration = Configuration(host=sandbox.line_url, access_token=ACCESS_TOKEN)

    with ApiClient(configuration) as client:
        content = MessagingApiBlob(client).get_message_content(message_id)

    assert content == b"\xff\xd8fake-jpeg"


def test_broadcast_and_narrowcast_reach_every_follower(sandbox, api):
    from linebot.v3.messaging import BroadcastRequest, NarrowcastRequest

    sandbox.line.add_follower(HANAKO)
    sandbox.line.add_follower(ICHIRO)

    api.broadcast(BroadcastRequest(messages=[TextMessage(text="一斉")]))
    accepted = api.narrowcast_with_http_info(
        NarrowcastRequest(messages=[TextMessage(text="絞り込み")])
    )
    progress = api.get_narrowcast_progress(accepted.headers["x-line-request-id"])
    followers = api.get_followers(limit=1)

    assert accepted.status_code == 202
    assert progress.phase == "succeeded"
    assert progress.success_count == 2
    assert sandbox.line.texts_for(ICHIRO) == ["一斉", "絞り込み"]
    assert followers.user_ids == [HANAKO]
    assert followers.next
