"""Secrets that are whole snippets, not one value: key blocks, manifests, command lines.

Each maker takes the corpus `Gen` and a case number `i` (to rotate through its variants)
and returns a `Snippet`: file extension, text, and the lines the secret spans.
"""

from __future__ import annotations

import base64
import json
import urllib.parse

from gen import ALNUM, B64, Gen, b64
from model import Snippet


def _lines_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _snippet(label: str, ext: str, text: str, needle: str, end_needle: str = "") -> Snippet:
    start = _lines_of(text, needle)
    end = _lines_of(text, end_needle) if end_needle else start
    return Snippet(label, ext, text, start, end)


# --- private keys -------------------------------------------------------------------------
_PEM_KINDS = (
    ("RSA PRIVATE KEY", b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00", 1180),
    ("PRIVATE KEY", b"\x30\x82\x04\xbe\x02\x01\x00\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7", 1200),
    ("EC PRIVATE KEY", b"\x30\x77\x02\x01\x01\x04\x20", 110),
    ("ENCRYPTED PRIVATE KEY", b"\x30\x82\x05\x0d\x30\x57\x06\x09\x2a\x86\x48\x86", 1270),
    ("DSA PRIVATE KEY", b"\x30\x82\x01\xbb\x02\x01\x00\x02\x81\x81\x00", 420),
)


def _key_block(g: Gen, i: int) -> tuple[str, list[str]]:
    kind = i % 7
    if kind == 5:
        return "OPENSSH PRIVATE KEY", g.openssh_body()
    if kind == 6:
        text = b64(b"\x95\x03\xc6\x04" + g.bytes(900))
        body = ["", *[text[j : j + 64] for j in range(0, len(text), 64)], "=" + g.s(4, B64)]
        return "PGP PRIVATE KEY BLOCK", body
    name, lead, size = _PEM_KINDS[kind]
    body = g.pem_body(lead, size)
    if kind == 0 and i % 2:
        salt = g.hex(16).upper()
        body = ["Proc-Type: 4,ENCRYPTED", f"DEK-Info: AES-128-CBC,{salt}", "", *body]
    return name, body


def private_key(g: Gen, i: int) -> Snippet:
    name, body = _key_block(g, i)
    begin, end = f"-----BEGIN {name}-----", f"-----END {name}-----"
    block = "\n".join([begin, *body, end])
    style = i % 5
    if style == 0:
        return _snippet(name, "pem", block + "\n", begin, end)
    if style == 1:
        text = f'"""Deploy key for the feature store."""\n\nDEPLOY_KEY = """{block}\n"""\n'
        return _snippet(name + " in a Python string", "py", text, begin, end)
    if style == 2:
        indented = "\n".join("    " + line for line in block.splitlines())
        text = f"ssh:\n  host: git.{g.word()}.internal\n  private_key: |\n{indented}\n"
        return _snippet(name + " in a YAML block", "yaml", text, "private_key: |", end)
    if style == 3:
        escaped = json.dumps(block + "\n")
        text = f'{{\n  "name": "deploy",\n  "key": {escaped}\n}}\n'
        return _snippet(name + " JSON-escaped", "json", text, begin)
    escaped = block.replace("\n", "\\n")
    return _snippet(name + " in .env", "env", f'SSH_PRIVATE_KEY="{escaped}"\n', begin)


def public_key_negative(g: Gen, i: int) -> Snippet:
    if i % 3 == 0:
        body = "\n".join(g.pem_body(b"\x30\x82\x01\x22\x30\x0d\x06\x09", 280))
        text = f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n"
        return _snippet("public key", "pem", text, "-----BEGIN")
    if i % 3 == 1:
        key = b64(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + g.bytes(32))
        text = f"ssh-ed25519 {key} ci@{g.word()}\n"
        return _snippet("ssh public key", "pub", text, "ssh-ed25519")
    # pragma: allowlist nextline secret
    text = "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n"
    return _snippet("elided key in docs", "md", "Paste your key:\n\n" + text, "-----BEGIN")


# --- GCP service account ------------------------------------------------------------------
def gcp_service_account(g: Gen, i: int) -> Snippet:
    body = "\n".join(g.pem_body(_PEM_KINDS[1][1], 1200))
    project = f"{g.word()}-{g.digits(6)}"
    doc = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": g.hex(40),
        # pragma: allowlist nextline secret
        "private_key": f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n",
        "client_email": f"trainer@{project}.iam.gserviceaccount.com",
        "client_id": g.digits(21),
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    if i % 2:
        text = f"SA_JSON = {json.dumps(json.dumps(doc))}\n"
        return _snippet("service-account JSON in a string", "py", text, "SA_JSON")
    text = json.dumps(doc, indent=2) + "\n"
    return _snippet("service-account key file", "json", text, '"private_key":')


# --- Kubernetes Secret manifests ----------------------------------------------------------
def k8s_secret(g: Gen, i: int) -> Snippet:
    secret = base64.b64encode(g.password(20).encode()).decode()
    token = base64.b64encode(g.s(40).encode()).decode()
    key = g.pick(["password", "db-password", "api-token", "HF_TOKEN", "wandb-key"])
    value = secret if "pass" in key else token
    user = base64.b64encode(b"trainer").decode()
    style = i % 4
    if style == 3:
        doc = {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "creds"},
            "data": {"username": user, key: value},
        }
        text = json.dumps(doc, indent=2) + "\n"
        return _snippet("Secret manifest (JSON)", "json", text, value)
    head = f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {g.word()}-creds\ntype: Opaque\n"
    data = f"data:\n  username: {user}\n  {key}: {value}\n"
    if style == 1:  # data before kind
        text = f"apiVersion: v1\n{data}kind: Secret\nmetadata:\n  name: {g.word()}\n"
    elif style == 2:
        text = "---\n" + head + data.replace(f"{key}: {value}", f'{key}: "{value}"')
    else:
        text = head + data
    return _snippet("Secret manifest (YAML)", "yaml", text, value)


def k8s_negative(g: Gen, i: int) -> Snippet:
    value = base64.b64encode(g.s(30).encode()).decode()
    if i % 3 == 0:
        text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  model: {value}\n"
        return _snippet("ConfigMap, not a Secret", "yaml", text, value)
    if i % 3 == 1:
        text = (
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n"
            "  password: {{ .Values.dbPassword | b64enc }}\n"
        )
        return _snippet("Helm template value", "yaml", text, "password:")
    text = (
        "apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: x\n"
        "spec:\n  data:\n    - secretKey: password\n      remoteRef:\n        key: prod/db\n"
    )
    return _snippet("ExternalSecret reference", "yaml", text, "secretKey")


# --- HTTP auth on command lines -----------------------------------------------------------
def curl_basic(g: Gen, i: int) -> Snippet:
    user, pw = g.pick(["deploy", "ci-bot", "admin", "mlflow"]), g.password(16)
    host = f"https://registry.{g.word()}.io/api/v2/models"
    forms = [
        f"curl -u {user}:{pw} {host}",
        f"curl -s --user '{user}:{pw}' -X POST {host}",
        f'curl -fsSL -u "{user}:{pw}" {host} -o model.tar.gz',
        f"curl --user={user}:{pw} {host}",
        f"wget --user={user} --password='{pw}' {host}",
        f"http -a {user}:{pw} GET {host}",
    ]
    line = forms[i % len(forms)]
    if i % 3 == 2:
        text = f"#!/usr/bin/env bash\nset -euo pipefail\n{line} \\\n  -H 'Accept: json'\n"
        return _snippet("curl basic auth in a script", "sh", text, line)
    return _snippet("curl basic auth", "sh", f"# fetch the weights\n{line}\n", line)


def curl_bearer(g: Gen, i: int) -> Snippet:
    token = g.mixed(g.pick([32, 40, 48]), ALNUM + "-_.")
    host = f"https://api.{g.word()}.ai/v1/jobs"
    forms = [
        f'curl -H "Authorization: Bearer {token}" {host}',
        f"curl -s -X POST {host} -H 'Authorization: Bearer {token}' -d @job.json",
        f'curl --header "Authorization: Token {token}" {host}',
        f'curl -H "X-API-Key: {token}" {host}',
        f'curl -H "Authorization: Basic {b64(("svc:" + g.password()).encode())}" {host}',
    ]
    line = forms[i % len(forms)]
    if i % 2:
        text = f"steps:\n  - run: |\n      {line}\n"
        return _snippet("curl auth header in CI", "yaml", text, line.split(" ")[0] + " ")
    return _snippet("curl auth header", "sh", line + "\n", line)


def curl_negative(g: Gen, i: int) -> Snippet:
    host = f"https://api.{g.word()}.ai/v1/jobs"
    forms = [
        f'curl -u "$REGISTRY_USER:$REGISTRY_PASSWORD" {host}',
        f'curl -H "Authorization: Bearer ${{API_TOKEN}}" {host}',
        f"curl -u <user>:<password> {host}",
        f'curl -H "Authorization: Bearer $(cat /run/secrets/token)" {host}',
        f'curl -H "Authorization: Bearer {{{{ secrets.API_TOKEN }}}}" {host}',
        f"curl -u user:password {host}",
    ]
    line = forms[i % len(forms)]
    return _snippet("curl auth from a variable or placeholder", "sh", line + "\n", line)


def netrc(g: Gen, i: int) -> Snippet:
    host = f"{g.word()}.artifacts.internal"
    pw = g.password(20)
    if i % 2:
        text = f"machine {host} login ci-bot password {pw}\n"
        return _snippet(".netrc one line", "netrc", text, "machine")
    text = f"machine {host}\n  login ci-bot\n  password {pw}\n"
    return _snippet(".netrc multi-line", "netrc", text, "password")


def netrc_negative(g: Gen, i: int) -> Snippet:
    pw = ["${NETRC_PASSWORD}", "<password>", "changeme"][i % 3]
    text = f"machine {g.word()}.internal\n  login ci-bot\n  password {pw}\n"
    return _snippet(".netrc placeholder", "netrc", text, "password")


# --- connection URIs ----------------------------------------------------------------------
def airflow_conn(g: Gen, i: int) -> Snippet:
    pw = g.password(18)
    quoted = urllib.parse.quote(pw, safe="")
    host = f"{g.word()}-db.internal"
    forms = [
        ("env", f"AIRFLOW_CONN_WAREHOUSE=postgresql://airflow:{quoted}@{host}:5432/dwh\n"),
        ("sh", f"export AIRFLOW_CONN_S3_RAW='aws://ml-bot:{quoted}@/?region_name=eu-west-1'\n"),
        (
            "env",
            "AIRFLOW_CONN_MYSQL_ML='"
            + json.dumps({"conn_type": "mysql", "login": "ml", "password": pw, "host": host})
            + "'\n",
        ),
        ("sh", f"airflow connections add pg_ml --conn-uri 'postgres://ml:{quoted}@{host}/ml'\n"),
        (
            "yaml",
            f"env:\n  - name: AIRFLOW_CONN_REDIS\n    value: redis://:{quoted}@{host}:6379/0\n",
        ),
    ]
    ext, text = forms[i % len(forms)]
    needle = quoted if quoted in text else pw
    return _snippet("Airflow connection", ext, text, needle)


def mongodb_uri(g: Gen, i: int) -> Snippet:
    pw = urllib.parse.quote(g.password(16), safe="")
    cluster = f"cluster{g.int(0, 9)}.{g.s(5, 'abcdefghijklmnopqrstuvwxyz0123456789')}"
    uri = f"mongodb+srv://ml-app:{pw}@{cluster}.mongodb.net/features?retryWrites=true"
    forms = [
        ("py", f'client = MongoClient("{uri}")\n'),
        ("env", f"MONGO_URL={uri}\n"),
        ("yaml", f"feature_store:\n  uri: {uri}\n"),
        ("js", f"mongoose.connect('{uri}');\n"),
    ]
    ext, text = forms[i % len(forms)]
    return _snippet("MongoDB Atlas URI", ext, text, uri)


# --- Azure storage ------------------------------------------------------------------------
def azure_storage(g: Gen, i: int) -> Snippet:
    key = b64(g.bytes(64))
    account = g.word() + g.s(6, "abcdefghijklmnopqrstuvwxyz0123456789")
    conn = (
        f"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={key};"
        "EndpointSuffix=core.windows.net"
    )
    forms = [
        ("py", f'CONN = "{conn}"\n'),
        ("env", f"AZURE_STORAGE_CONNECTION_STRING={conn}\n"),
        ("env", f"AZURE_STORAGE_KEY={key}\n"),
        ("json", f'{{\n  "storageAccount": "{account}",\n  "accountKey": "{key}"\n}}\n'),
        ("yaml", f"storage:\n  account_name: {account}\n  account_key: {key}\n"),
    ]
    ext, text = forms[i % len(forms)]
    return _snippet("Azure storage account key", ext, text, key)


def azure_sas(g: Gen, i: int) -> Snippet:
    sig = urllib.parse.quote(b64(g.bytes(32)), safe="")
    account = g.word() + "data"
    query = (
        f"sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-0{g.int(1, 9)}-01T00:00:00Z"
        f"&st=2025-01-01T00:00:00Z&spr=https&sig={sig}"
    )
    url = f"https://{account}.blob.core.windows.net/datasets?{query}"
    forms = [
        ("py", f'DATA_URL = "{url}"\n'),
        ("sh", f"azcopy copy '{url}' ./data --recursive\n"),
        ("env", f"AZURE_SAS_TOKEN={query}\n"),
        ("yaml", f"dataset:\n  url: {url}\n"),
    ]
    ext, text = forms[i % len(forms)]
    return _snippet("Azure SAS token", ext, text, sig)
