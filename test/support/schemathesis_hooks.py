"""Schemathesis hooks for test/contract.int-spec.ts (loaded through SCHEMATHESIS_HOOKS)."""

import schemathesis
from hypothesis import strategies as st

# URLs the API is to reach (input.url, webhook.url) must resolve to a public address when submitted, and the
# test machine has no DNS: schema-valid URLs are https URLs of a public address literal (TEST-NET-3, which
# nothing here connects to: no worker polls the test's task queues). Invalid ones are still generated.
schemathesis.openapi.format(
    "uri",
    st.builds("https://203.0.113.{}/{}".format, st.integers(1, 254), st.from_regex(r"[a-z0-9._-]{0,40}", fullmatch=True)),
)
