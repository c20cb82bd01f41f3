"""Server-side AWS Signature Version 4 verification, as Amazon's front end does.

The canonical request, string to sign and signature come from botocore's
``SigV4Auth`` (the same code the product's client signs with), fed with the
received method, path, query, the headers named in ``SignedHeaders`` exactly
as received, and the exact body bytes.
"""

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

ALGORITHM = "AWS4-HMAC-SHA256"
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_CLOCK_SKEW = timedelta(minutes=15)
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you "
    "provided. Check your AWS Secret Access Key and signing method. Consult the "
    "service documentation for details."
)
_AUTHORIZATION = re.compile(
    rf"^{ALGORITHM}\s+Credential=(?P<credential>[^,\s]+),\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]{64})$"
)


class SignatureError(Exception):
    """The request is not signed acceptably; ``error_type`` names the reason."""

    def __init__(
        self, message: str, error_type: str = "InvalidSignature", code: str = "F200"
    ) -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type
        self.code = code


@dataclass(frozen=True)
class Authorization:
    """The parts of an ``Authorization: AWS4-HMAC-SHA256 ...`` header."""

    access_key: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(value: str | None) -> Authorization:
    """Split the header into its parts, or raise :class:`SignatureError`."""
    if not value:
        raise SignatureError(
            "Missing Authentication Token", "MissingAuthenticationToken"
        )
    match = _AUTHORIZATION.match(value.strip())
    if match is None:
        raise SignatureError(
            "Authorization header requires 'Credential', 'SignedHeaders' and "
            f"'Signature' parameters of the {ALGORITHM} algorithm."
        )
    parts = match["credential"].split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise SignatureError(
            "Credential should be of the form "
            "'<access key>/<date>/<region>/<service>/aws4_request'."
        )
    access_key, date, region, service, _ = parts
    signed = tuple(match["signed"].split(";"))
    return Authorization(access_key, date, region, service, signed, match["signature"])


class _ReceivedRequestSigner(SigV4Auth):
    """botocore's signer, told to sign exactly the headers the client signed."""

    def __init__(
        self,
        credentials: Credentials,
        service: str,
        region: str,
        headers: Message,
        signed_headers: tuple[str, ...],
    ) -> None:
        super().__init__(credentials, service, region)
        self._received = headers
        self._signed_names = signed_headers

    def headers_to_sign(self, request: Any) -> HTTPHeaders:
        header_map = HTTPHeaders()
        for name in self._signed_names:
            for value in self._received.get_all(name) or ():
                header_map[name] = value
        return header_map


def compute_signature(
    *,
    method: str,
    path: str,
    query: str,
    headers: Message,
    body: bytes,
    auth: Authorization,
    secret_key: str,
    amz_date: str,
) -> str:
    """The signature botocore computes for the request as it was received."""
    url = f"http://sandbox{path}" + (f"?{query}" if query else "")
    request = AWSRequest(method=method, url=url, data=body)
    request.context["timestamp"] = amz_date
    signer = _ReceivedRequestSigner(
        Credentials(auth.access_key, secret_key),
        auth.service,
        auth.region,
        headers,
        auth.signed_headers,
    )
    canonical_request = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical_request)
    return str(signer.signature(string_to_sign, request))


def verify_request(
    *,
    method: str,
    path: str,
    query: str,
    headers: Message,
    body: bytes,
    secret_keys: Mapping[str, str],
    region: str,
    service: str,
    now: datetime,
) -> Authorization:
    """Check a request's SigV4 signature; return its authorization or raise."""
    auth = parse_authorization(headers.get("Authorization"))
    secret_key = secret_keys.get(auth.access_key)
    if secret_key is None:
        raise SignatureError(
            "The security token included in the request is invalid.",
            "InvalidAwsAccessKeyId",
            code="F300",
        )
    amz_date = _check_scope(auth, headers, region, service, now)
    content_hash = headers.get("x-amz-content-sha256")
    if content_hash is not None and content_hash != hashlib.sha256(body).hexdigest():
        raise SignatureError(
            "The provided 'x-amz-content-sha256' header does not match what was "
            "computed.",
            "SignatureDoesNotMatch",
        )
    for name in auth.signed_headers:
        if headers.get(name) is None:
            raise SignatureError(f"Signed header '{name}' is missing from the request.")
    expected = compute_signature(
        method=method,
        path=path,
        query=query,
        headers=headers,
        body=body,
        auth=auth,
        secret_key=secret_key,
        amz_date=amz_date,
    )
    if not hmac.compare_digest(expected, auth.signature):
        raise SignatureError(SIGNATURE_MISMATCH, "SignatureDoesNotMatch")
    return auth


def _check_scope(
    auth: Authorization, headers: Message, region: str, service: str, now: datetime
) -> str:
    """Check service, region, date and signed-header rules; return x-amz-date."""
    if auth.service != service:
        raise SignatureError(
            f"Credential should be scoped to correct service: '{service}'."
        )
    if auth.region != region:
        raise SignatureError(
            f"Credential should be scoped to a valid region, not '{auth.region}'."
        )
    for required in ("host", "x-amz-date"):
        if required not in auth.signed_headers:
            raise SignatureError(f"'{required}' must be a signed header.")
    amz_date = headers.get("x-amz-date") or ""
    try:
        signed_at = datetime.strptime(amz_date, AMZ_DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError as error:
        raise SignatureError(
            "Authorization header requires existence of either a 'X-Amz-Date' or "
            "a 'Date' header."
        ) from error
    if auth.date != amz_date[:8]:
        raise SignatureError(
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 "
            f"version of date from HTTP: '{auth.date}' != '{amz_date[:8]}'"
        )
    if abs(now - signed_at) > MAX_CLOCK_SKEW:
        limit = (now - MAX_CLOCK_SKEW).strftime(AMZ_DATE_FORMAT)
        raise SignatureError(
            f"Signature expired: {amz_date} is now earlier than {limit} "
            f"({now.strftime(AMZ_DATE_FORMAT)} - 15 min.)",
            "SignatureExpired",
        )
    return amz_date
