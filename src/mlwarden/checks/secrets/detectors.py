"""The secrets hook's detectors, as data: one regex each, with cheap prefilters.

Every detector names its secret with the group `(?P<secret>…)`. A detector runs on a
text only when one of its `literals` occurs in it (case-sensitive `in`, a memchr-speed
scan) and, for context-anchored keys, one of its `keywords` occurs in the lower-cased
text. Most files contain none of them, so most detectors never run their regex.

Order matters: when two detectors claim overlapping text, the earlier one wins (a
provider rule beats the URL and generic rules).
"""

from __future__ import annotations

from dataclasses import dataclass

# Before a token: not inside a longer word or a base64 run (`+/`), unless the previous
# characters are a JSON escape (`\n`, `\t`) or a URL's `://` (a token as user-info).
B = r"(?:(?<![A-Za-z0-9_+/\\-])|(?<=\\[nrt])|(?<=://))"
# After a token: not followed by more token characters.
A = r"(?![A-Za-z0-9_+/-])"
# After a fixed-charset context value: no more of the same word.
W = r"(?![A-Za-z0-9])"
# Between a context name and its value: closing quotes/brackets, `=`, `:`, `,`, `=>`,
# whitespace, then an optional (string-prefixed, maybe JSON-escaped) opening quote.
ASSIGN = r"""(?:\\?["'`]|\])*\s*(?:=>|:=|[=:,])?\s*(?:[rbufRBUF]{0,2}\\?["'`])?"""
# A keyword argument inside a call, e.g. `Pinecone(..., api_key="...")`.
KWARG = r"""\([^)]{0,300}?\bapi_key\s*=\s*[rbufRBUF]{0,2}\\?["'`]"""
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
HEX40 = r"[0-9a-fA-F]{40}"


@dataclass(frozen=True)
class Detector:
    rule_id: str
    pattern: str
    literals: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    # "token": a prefixed token; "context": a bare value anchored by a name or call
    # (documentation only); "private-key": report where the block starts, not the body.
    kind: str = "token"


DETECTORS: tuple[Detector, ...] = (
    # GCP before the generic private-key block so a service-account file is one finding.
    Detector(
        "SEC023",
        r"""\\?"private_key\\?"\s*:\s*\\?"-----BEGIN PRIVATE KEY-----(?:\\n|\s)*"""
        r"(?P<secret>[A-Za-z0-9+/=]{40,})",
        literals=("PRIVATE KEY",),
        keywords=("service_account",),
    ),
    Detector(
        "SEC022",
        r"-----BEGIN[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----"
        # Armor headers (`Proc-Type: …`) run to the end of their line, so there is one
        # way through this loop: no backtracking blow-up on odd input.
        r"(?:\\[rn]|\s|[A-Za-z-]{1,30}:[^\n\\]*(?:\\[rn]|\n)){0,40}?"
        r"(?P<secret>[A-Za-z0-9+/=]{40,})",
        literals=("PRIVATE KEY",),
        kind="private-key",
    ),
    Detector(
        "SEC001",
        B + r"(?P<secret>(?:hf_|api_org_)[A-Za-z0-9]{34})" + A,
        literals=("hf_", "api_org_"),
    ),
    Detector(
        "SEC002",
        B + r"(?P<secret>sk-(?:[a-z]{1,8}-)?[A-Za-z0-9_-]{16,}T3BlbkFJ"
        r"[A-Za-z0-9_-]{16,})" + A,
        literals=("T3BlbkFJ",),
    ),
    Detector(
        "SEC002",
        B + r"(?P<secret>sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,})" + A,
        literals=("sk-proj-", "sk-svcacct-", "sk-admin-"),
    ),
    Detector(
        "SEC003",
        B + r"(?P<secret>sk-ant-[a-z]{3,6}\d{2}-[A-Za-z0-9_-]{32,})" + A,
        literals=("sk-ant-",),
    ),
    Detector("SEC004", B + r"(?P<secret>r8_[A-Za-z0-9]{37})" + A, literals=("r8_",)),
    Detector("SEC005", B + r"(?P<secret>wandb_v1_[A-Za-z0-9_-]{20,})" + A, literals=("wandb_v1_",)),
    Detector(
        "SEC005",
        r"(?i:wandb[_-]?api[_-]?key)" + ASSIGN + rf"(?P<secret>{HEX40}){W}",
        keywords=("wandb",),
        kind="context",
    ),
    Detector(
        "SEC005",
        r"""wandb\.login\([^)]{0,300}?\bkey\s*=\s*[rbuf]{0,2}\\?["'`]"""
        rf"(?P<secret>{HEX40}){W}",
        keywords=("wandb",),
        kind="context",
    ),
    Detector(
        "SEC005",
        rf"\bwandb\s+login\s+(?:\S+\s+){{0,3}}?(?P<secret>{HEX40}){W}",
        keywords=("wandb",),
        kind="context",
    ),
    Detector(
        "SEC005",
        r"machine\s+api\.wandb\.ai\s+(?:login\s+\S+\s+)?password\s+"
        rf"(?P<secret>{HEX40}){W}",
        keywords=("wandb",),
        kind="context",
    ),
    Detector("SEC006", B + r"(?P<secret>dapi[0-9a-f]{32}(?:-\d)?)" + A, literals=("dapi",)),
    Detector("SEC007", B + r"(?P<secret>KGAT_[0-9a-fA-F]{32})" + A, literals=("KGAT_",)),
    Detector(
        "SEC007",
        r"(?i:kaggle[_-]?(?:api[_-]?)?key)" + ASSIGN + r"(?P<secret>[0-9a-fA-F]{32})" + W,
        keywords=("kaggle",),
        kind="context",
    ),
    Detector(
        "SEC007",
        r"""\\?["']username\\?["']\s*:\s*\\?["'][^"'\\\n]{1,100}\\?["']\s*,\s*"""
        r"""\\?["']key\\?["']\s*:\s*\\?["'](?P<secret>[0-9a-fA-F]{32})""" + W,
        keywords=("username",),
        kind="context",
    ),
    Detector(
        "SEC007",
        r"""\\?["']key\\?["']\s*:\s*\\?["'](?P<secret>[0-9a-fA-F]{32})\\?["']\s*,\s*"""
        r"""\\?["']username""",
        keywords=("username",),
        kind="context",
    ),
    Detector("SEC008", B + r"(?P<secret>gsk_[A-Za-z0-9]{52})" + A, literals=("gsk_",)),
    Detector("SEC009", B + r"(?P<secret>pplx-[A-Za-z0-9]{40,64})" + A, literals=("pplx-",)),
    Detector("SEC010", B + r"(?P<secret>tgp_v1_[A-Za-z0-9_-]{30,})" + A, literals=("tgp_v1_",)),
    Detector(
        "SEC010",
        r"(?i:together[_-]?(?:ai[_-]?)?(?:api[_-]?)?key)"
        + ASSIGN
        + r"(?P<secret>[0-9a-f]{64})"
        + W,
        keywords=("together",),
        kind="context",
    ),
    Detector(
        "SEC011",
        B + r"(?P<secret>pcsk_[A-Za-z0-9]{4,10}_[A-Za-z0-9]{40,})" + A,
        literals=("pcsk_",),
    ),
    Detector(
        "SEC011",
        r"(?i:pinecone[_-]?(?:api[_-]?)?key)" + ASSIGN + rf"(?P<secret>{UUID}){W}",
        keywords=("pinecone",),
        kind="context",
    ),
    Detector(
        "SEC011",
        r"(?:Pinecone|pinecone\.init|PineconeGRPC)" + KWARG + rf"(?P<secret>{UUID}){W}",
        keywords=("pinecone",),
        kind="context",
    ),
    Detector(
        "SEC012",
        B + r"(?P<secret>lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10})" + A,
        literals=("lsv2_",),
    ),
    Detector("SEC013", B + rf"(?P<secret>sk-lf-{UUID})" + A, literals=("sk-lf-",)),
    Detector("SEC014", B + r"(?P<secret>AIza[0-9A-Za-z_-]{35})" + A, literals=("AIza",)),
    Detector("SEC015", B + r"(?P<secret>xai-[A-Za-z0-9]{60,100})" + A, literals=("xai-",)),
    Detector("SEC016", B + r"(?P<secret>sk-or-v1-[0-9a-f]{64})" + A, literals=("sk-or-v1-",)),
    Detector("SEC017", B + r"(?P<secret>nvapi-[A-Za-z0-9_-]{60,70})" + A, literals=("nvapi-",)),
    Detector(
        "SEC018",
        B + r"(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})" + A,
        literals=("AKIA", "ASIA", "ABIA", "ACCA"),
    ),
    Detector(
        "SEC018",
        r"(?i:aws[_-]?secret[_-]?(?:access[_-]?)?key)"
        + ASSIGN
        + r"(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        keywords=("aws",),
    ),
    Detector(
        "SEC019",
        B + r"(?P<secret>gh[pousr]_[A-Za-z0-9]{36})" + A,
        literals=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    ),
    Detector(
        "SEC019",
        B + r"(?P<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})" + A,
        literals=("github_pat_",),
    ),
    Detector("SEC020", B + r"(?P<secret>pypi-AgE[A-Za-z0-9_-]{50,})" + A, literals=("pypi-AgE",)),
    Detector(
        "SEC021", B + r"(?P<secret>dckr_pat_[A-Za-z0-9_-]{20,40})" + A, literals=("dckr_pat_",)
    ),
    Detector(
        "SEC024",
        r"(?i:co(?:here)?[_-]?api[_-]?key)" + ASSIGN + r"(?P<secret>[A-Za-z0-9]{40})" + W,
        keywords=("cohere", "co_api"),
    ),
    Detector(
        "SEC024",
        r"""cohere\.(?:Async)?Client(?:V2)?\(\s*(?:api_key\s*=\s*)?"""
        r"""[rbuf]{0,2}\\?["'`](?P<secret>[A-Za-z0-9]{40})""" + W,
        keywords=("cohere",),
    ),
    Detector(
        "SEC025",
        r"(?i:mistral[_-]?(?:api[_-]?)?key)" + ASSIGN + r"(?P<secret>[A-Za-z0-9]{32})" + W,
        keywords=("mistral",),
    ),
    Detector(
        "SEC025",
        r"Mistral(?:Client)?" + KWARG + r"(?P<secret>[A-Za-z0-9]{32})" + W,
        keywords=("mistral",),
    ),
    Detector(
        "SEC026",
        r"(?i:azure[_-]?(?:openai[_-]?)?(?:api[_-]?)?key)"
        + ASSIGN
        + r"(?P<secret>[A-Za-z0-9]{32,100})"
        + W,
        keywords=("azure",),
    ),
    Detector(
        "SEC026",
        r"AzureOpenAI" + KWARG + r"(?P<secret>[A-Za-z0-9]{32,100})" + W,
        keywords=("azure",),
    ),
    Detector(
        "SEC027",
        B + r"(?P<secret>sk-[0-9a-f]{32})" + A,
        literals=("sk-",),
        keywords=("deepseek",),
        kind="context",
    ),
    Detector(
        "SEC028",
        r"(?i:comet[_-]?(?:ml[_-]?)?api[_-]?key)" + ASSIGN + r"(?P<secret>[A-Za-z0-9]{20,40})" + W,
        keywords=("comet",),
    ),
    Detector(
        "SEC028",
        r"(?:Experiment|comet_ml\.(?:init|login|start))"
        + KWARG
        + r"(?P<secret>[A-Za-z0-9]{20,40})"
        + W,
        keywords=("comet",),
    ),
    Detector(
        "SEC029",
        B + r"(?P<secret>eyJhcGlfYWRkcmVzcyI6[A-Za-z0-9+/=_-]{40,})",
        literals=("eyJhcGlfYWRkcmVzcyI6",),
    ),
    Detector("SEC033", B + r"(?P<secret>xox[abprs]-[0-9A-Za-z-]{10,100})" + A, literals=("xox",)),
    Detector(
        "SEC033",
        r"(?P<secret>https://hooks\.slack\.com/services/T[A-Z0-9]{6,12}/"
        r"B[A-Z0-9]{6,12}/[A-Za-z0-9]{20,32})" + W,
        literals=("hooks.slack.com",),
    ),
    Detector("SEC034", B + r"(?P<secret>[rs]k_live_[0-9A-Za-z]{24,})" + A, literals=("_live_",)),
)

# URLs with user-info (`scheme://user:password@host`); split and judged in code.
URL_PATTERN = (
    r"""://(?P<userinfo>[^\s/?#@"'`<>\\]{1,300})@(?P<host>[A-Za-z0-9\[][A-Za-z0-9.:\]-]*)"""
)
# A line that configures a package index: credentials there are SEC031, not SEC030.
INDEX_LINE_PATTERN = (
    r"(?i)index[-_]url|find[-_]links|extra[-_]index|PIP_INDEX|\[\[tool\.uv\.index"
    r"|(?:^|[\s\"'(])(?:-i|-f|--index)[ =]"
)

# Secret-like names: the keyword core is matched, the full name is read backwards in
# code (a leading `[\w.-]*` would make the regex engine try every position twice).
GENERIC_PATTERN = (
    r"(?i)(?P<core>passw(?:or)?d|passphrase|pwd|secret|token|api[_-]?key|apikey|key|"
    r"credentials?|authorization|auth)(?P<tail>[a-z0-9_\-]{0,40})"
    r"(?P<close>(?:\\?[\"'`]|\])*)(?P<sep>[ \t]*(?:=>|:=|==|[=:])[ \t]*|[ \t]+)"
    r"(?:(?P<annot>[A-Za-z_][\w\[\]., |]{0,40}?)\s*=\s*)?"
    r"(?P<quote>[rbufRBUF]{0,2}\\?[\"'`])?(?:(?:Bearer|Basic|token)\s+)?"
    r"(?P<secret>[^\s\"'`\\,;)\]}>]{1,300})"
)
GENERIC_KEYWORDS: tuple[str, ...] = ("pass", "pwd", "secret", "token", "key", "cred", "auth")
