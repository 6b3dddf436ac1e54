"""AI/ML providers: model APIs, experiment trackers, vector stores, ML platforms."""

from __future__ import annotations

from mlwarden.checks.secrets import verify
from mlwarden.checks.secrets.detectors.common import (
    ASSIGN,
    HEX40,
    KWARG,
    UUID,
    A,
    Detector,
    W,
    token,
)

AI: tuple[Detector, ...] = (
    Detector(
        "SEC001",
        r"(?P<secret>(?:hf_|api_org_)[A-Za-z0-9]{34})" + A,
        literals=("hf_", "api_org_"),
        boundary=True,
    ),
    # Every OpenAI key holds `T3BlbkFJ` (base64 of "OpenAI") between two random halves.
    token(
        "SEC002",
        r"sk-(?:proj-|svcacct-|admin-|[a-z]{1,8}-)?[A-Za-z0-9_-]{16,100}T3BlbkFJ[A-Za-z0-9_-]{16,100}",
        "T3BlbkFJ",
    ),
    token("SEC003", r"sk-ant-[a-z]{3,6}\d{2}-[A-Za-z0-9_-]{80,120}AA", "sk-ant-"),
    Detector("SEC004", r"(?P<secret>r8_[A-Za-z0-9]{37})" + A, literals=("r8_",), boundary=True),
    token("SEC005", r"wandb_v1_[A-Za-z0-9_-]{50,100}", "wandb_v1_"),
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
    Detector(
        "SEC006", r"(?P<secret>dapi[0-9a-f]{32}(?:-\d)?)" + A, literals=("dapi",), boundary=True
    ),
    Detector("SEC007", r"(?P<secret>KGAT_[0-9a-fA-F]{32})" + A, literals=("KGAT_",), boundary=True),
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
    Detector("SEC008", r"(?P<secret>gsk_[A-Za-z0-9]{52})" + A, literals=("gsk_",), boundary=True),
    Detector(
        "SEC009", r"(?P<secret>pplx-[A-Za-z0-9]{40,64})" + A, literals=("pplx-",), boundary=True
    ),
    token("SEC010", r"tgp_v1_[A-Za-z0-9_-]{40,50}", "tgp_v1_"),
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
        r"(?P<secret>pcsk_[A-Za-z0-9]{4,10}_[A-Za-z0-9]{40,})" + A,
        literals=("pcsk_",),
        boundary=True,
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
        r"(?P<secret>lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10})" + A,
        literals=("lsv2_",),
        boundary=True,
    ),
    Detector("SEC013", rf"(?P<secret>sk-lf-{UUID})" + A, literals=("sk-lf-",), boundary=True),
    Detector("SEC014", r"(?P<secret>AIza[0-9A-Za-z_-]{35})" + A, literals=("AIza",), boundary=True),
    Detector(
        "SEC015", r"(?P<secret>xai-[A-Za-z0-9]{60,100})" + A, literals=("xai-",), boundary=True
    ),
    Detector(
        "SEC016", r"(?P<secret>sk-or-v1-[0-9a-f]{64})" + A, literals=("sk-or-v1-",), boundary=True
    ),
    Detector(
        "SEC017", r"(?P<secret>nvapi-[A-Za-z0-9_-]{60,70})" + A, literals=("nvapi-",), boundary=True
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
        r"(?P<secret>sk-[0-9a-f]{32})" + A,
        literals=("sk-",),
        keywords=("deepseek",),
        kind="context",
        boundary=True,
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
    token(
        "SEC029",
        r"eyJhcGlfYWRkcmVzcyI6[A-Za-z0-9+/_-]{40,400}={0,2}",
        "eyJhcGlfYWRkcmVzcyI6",
        verify=verify.base64_json("", "api_address", "api_key"),
    ),
    # Formats observed, not documented by the provider (see the rule docs).
    token("SEC079", r"fw_[A-Za-z0-9]{24}", "fw_"),
    token("SEC080", r"as-[A-Za-z0-9]{22}", "as-"),
    token("SEC081", r"rpa_[A-Z0-9]{40}", "rpa_"),
    token("SEC082", r"secret_[a-z0-9-]{1,40}_[0-9a-f]{32}\.[A-Za-z0-9]{32}", "secret_"),
    token("SEC083", r"sk_[0-9a-f]{48}", "sk_"),
)
