"""Why a global is dangerous, and where that was published (data only).

The verdict is an allow-list (`allowlist_data.SAFE_EXACT`): a global that is not on it is
reported whether or not it is listed here. This table only *explains*: each row names what
a pickle references (a module, a `module.attr` prefix, or an exact name), why loading it
runs code, and the advisory, CVE or public proof of concept that used it against a
scanner. A row matches a global that equals it or lies under it (`os` matches
`os.system`; `pandas.io` matches `pandas.io.pytables.HDFStore`).

Ids: CVE/GHSA/PYSEC as published; "PoC" rows cite a public proof of concept, "mechanism"
rows a documented API that runs code (no advisory found). Research notes:
notes/pickle-gadgets.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Gadget:
    prefix: str
    why: str
    sources: tuple[str, ...]


_CMD = "runs a shell command"
_EXEC = "runs Python source"
_NET = "opens network connections"
_NESTED = "unpickles embedded bytes the scanner never sees as a file"

GADGETS: tuple[Gadget, ...] = (
    # --- the classic baseline, in every scanner's list -------------------------------
    Gadget("os", "runs commands and touches files", ("CWE-502",)),
    Gadget("posix", "runs commands (os on POSIX)", ("CWE-502",)),
    Gadget("nt", "runs commands (os on Windows)", ("CWE-502",)),
    Gadget("subprocess", _CMD, ("CWE-502",)),
    Gadget("_posixsubprocess", _CMD, ("GHSA-m6fh-58r7-x697", "CVE-2026-14534")),
    Gadget("commands", _CMD, ("CWE-502",)),
    Gadget("popen2", _CMD, ("CWE-502",)),
    Gadget("pty", "spawns a shell", ("GHSA-vqmv-47xg-9wpr", "CVE-2025-71322", "CVE-2025-67748")),
    Gadget("sys", "reaches the interpreter's modules", ("CWE-502",)),
    Gadget("socket", _NET, ("CWE-502",)),
    Gadget("webbrowser", "opens URLs and runs browsers", ("CWE-502",)),
    Gadget("builtins.eval", "evaluates Python source", ("CWE-95",)),
    Gadget("builtins.exec", "executes Python source", ("CWE-95",)),
    Gadget("builtins.compile", "compiles Python source", ("CWE-95",)),
    Gadget("builtins.execfile", "executes Python files", ("CWE-95",)),
    Gadget("builtins.open", "opens files", ("CWE-73",)),
    Gadget("builtins.file", "opens files", ("CWE-73",)),
    Gadget("builtins.__import__", "imports arbitrary modules", ("GHSA-h4rm-mm56-xf63",)),
    Gadget("builtins.getattr", "reaches any attribute (e.g. os.system)", ("GHSA-h4rm-mm56-xf63",)),
    Gadget("builtins.setattr", "rewrites attributes", ("CWE-915",)),
    Gadget("builtins.delattr", "deletes attributes", ("CWE-915",)),
    Gadget("builtins.globals", "reaches the interpreter's globals", ("GHSA-565g-hwwr-4pp3",)),
    Gadget("builtins.locals", "reaches the interpreter's locals", ("CWE-502",)),
    Gadget("builtins.vars", "reaches module namespaces", ("CWE-502",)),
    Gadget("builtins.breakpoint", "starts a debugger", ("CWE-502",)),
    Gadget("builtins.input", "reads the terminal", ("CWE-502",)),
    Gadget("builtins.type", "creates classes", ("CWE-502",)),
    Gadget("builtins.apply", "calls any callable", ("CWE-502",)),
    # --- command and code runners of the standard library ----------------------------
    Gadget("pip", "installs packages and runs their setup code", ("CVE-2025-1716",)),
    Gadget("ensurepip", "installs packages", ("GHSA-xp4f-hrf8-rxw7", "CVE-2025-71344")),
    Gadget("venv", "creates environments and bootstraps pip with shell expansion", ("PoC",)),
    Gadget("code", _EXEC, ("GHSA-cj3c-v495-4xqh", "CVE-2025-71371", "GHSA-q5qq-mvfm-j35x")),
    Gadget("codeop", "compiles Python source", ("mechanism",)),
    Gadget("profile", _EXEC, ("GHSA-7wx9-6375-f5wh", "CVE-2026-53873", "GHSA-x696-vm39-cp64")),
    Gadget("cProfile", _EXEC, ("GHSA-9w88-8rmg-7g2p", "CVE-2025-71378", "CVE-2026-22607")),
    Gadget("_lsprof", _EXEC, ("GHSA-9w88-8rmg-7g2p",)),
    Gadget("trace", _EXEC, ("GHSA-5qwp-399c-mjwf", "GHSA-g344-hcph-8vgg", "CVE-2025-71352")),
    Gadget("timeit", _EXEC, ("CVE-2025-71351",)),
    Gadget("pdb", _EXEC, ("picklescan#29",)),
    Gadget("bdb", _EXEC, ("picklescan#29",)),
    Gadget("doctest", _EXEC, ("GHSA-fqq6-7vqf-w3fg", "CVE-2025-71368")),
    Gadget("runpy", "runs Python modules and files", ("GHSA-wfq2-52f7-7qvj", "CVE-2026-22606")),
    Gadget("idlelib", _EXEC, ("GHSA-6w4w-5w54-rjvr", "GHSA-8r4j-24qv-fmq9", "CVE-2025-71357")),
    Gadget("lib2to3", _EXEC, ("GHSA-p9w7-82w4-7q8m", "GHSA-f54q-57x4-jg88")),
    Gadget("uuid._get_command_stdout", _CMD, ("GHSA-g38g-8gr9-h9xp", "CVE-2026-56315")),
    Gadget("uuid._popen", _CMD, ("GHSA-g38g-8gr9-h9xp", "CVE-2026-56315")),
    Gadget("imaplib", "IMAP4_stream runs a shell command", ("GHSA-g38g-8gr9-h9xp",)),
    Gadget("_osx_support", _CMD, ("GHSA-g38g-8gr9-h9xp", "GHSA-5hwf-rc88-82xm")),
    Gadget("_aix_support", _CMD, ("GHSA-g38g-8gr9-h9xp", "GHSA-5hwf-rc88-82xm")),
    Gadget("_pyrepl", "pipes text into a shell command", ("GHSA-g38g-8gr9-h9xp",)),
    Gadget("test", "spawns Python processes", ("GHSA-g38g-8gr9-h9xp", "GHSA-pc6j-px3p-rrj4")),
    Gadget("pydoc", "locate() imports any module; pipepager() runs a command", ("CVE-2025-71320",)),
    Gadget("site", "imports modules and runs sitecustomize", ("CVE-2026-14534",)),
    Gadget("atexit", "runs exit handlers", ("CVE-2026-14534",)),
    Gadget("_interpreters", "runs code in a sub-interpreter", ("GHSA-6ggj-6f2q-f7mx",)),
    Gadget("_xxsubinterpreters", "runs code in a sub-interpreter", ("GHSA-6ggj-6f2q-f7mx",)),
    Gadget("distutils", "spawns build commands and writes files", ("GHSA-m273-6v24-x4m4", "PoC")),
    Gadget("setuptools", "runs build code", ("mechanism",)),
    Gadget("pipes", "Template.open runs a shell pipeline", ("PoC",)),
    Gadget("platform", _CMD, ("mechanism",)),
    Gadget("multiprocessing", "starts processes", ("mechanism",)),
    Gadget("asyncio", "starts subprocesses and connections", ("CVE-2025-10157", "CVE-2025-71364")),
    Gadget("threading", "starts threads", ("GHSA-mhc9-48gj-9gp3",)),
    Gadget("signal", "changes process signals", ("GHSA-mhc9-48gj-9gp3",)),
    Gadget("_thread", "starts threads", ("mechanism",)),
    # --- resolvers: one allowed resolver turns any string into any callable -------------
    Gadget("pkgutil", "resolve_name('os:system') returns any callable", ("CVE-2026-3490",)),
    Gadget("importlib", "imports arbitrary modules", ("CVE-2026-22609", "GHSA-q5qq-mvfm-j35x")),
    Gadget("imp", "imports arbitrary modules", ("GHSA-q5qq-mvfm-j35x",)),
    Gadget("_imp", "imports arbitrary modules", ("GHSA-q5qq-mvfm-j35x",)),
    Gadget("_frozen_importlib", "imports arbitrary modules", ("PoC",)),
    Gadget("_frozen_importlib_external", "loads and runs module files", ("PoC",)),
    Gadget("zipimport", "imports arbitrary code", ("PoC",)),
    Gadget("inspect", "reaches attributes and code objects", ("PoC",)),
    Gadget("operator.attrgetter", "reaches any attribute", ("GHSA-46h3-79wf-xr6c",)),
    Gadget("operator.methodcaller", "calls any method", ("CVE-2025-71373", "GHSA-955r-x9j8-7rhh")),
    Gadget("operator.itemgetter", "reads any item (e.g. a CDLL symbol)", ("PoC",)),
    Gadget("operator.getitem", "reads any item (e.g. a CDLL symbol)", ("PoC",)),
    Gadget("operator.call", "calls any callable", ("PoC",)),
    Gadget("_operator.attrgetter", "reaches any attribute", ("GHSA-46h3-79wf-xr6c",)),
    Gadget("_operator.methodcaller", "calls any method", ("GHSA-955r-x9j8-7rhh",)),
    Gadget("_operator.itemgetter", "reads any item", ("PoC",)),
    Gadget("_operator.getitem", "reads any item", ("PoC",)),
    Gadget("_operator.call", "calls any callable", ("PoC",)),
    Gadget("functools.partial", "binds arguments to any callable", ("picklescan 93764d6",)),
    Gadget("_functools.partial", "binds arguments to any callable", ("picklescan 93764d6",)),
    Gadget("functools.reduce", "calls any callable", ("mechanism",)),
    Gadget("_functools.reduce", "calls any callable", ("mechanism",)),
    Gadget("copyreg.add_extension", "registers a global under an EXT code", ("PoC",)),
    Gadget("copy_reg.add_extension", "registers a global under an EXT code", ("PoC",)),
    # --- code objects and nested deserialisers -----------------------------------------
    Gadget("marshal", "loads bytecode", ("GHSA-565g-hwwr-4pp3", "CVE-2025-67747")),
    Gadget("types", "builds functions and code objects", ("GHSA-565g-hwwr-4pp3",)),
    Gadget("cloudpickle", "rebuilds functions from bytecode", ("GHSA-9m3x-qqw2-h32h",)),
    Gadget("dill", "rebuilds functions from bytecode", ("PoC",)),
    Gadget("pickle", _NESTED, ("picklescan#25",)),
    Gadget("_pickle", _NESTED, ("picklescan#25",)),
    Gadget("cPickle", _NESTED, ("picklescan#25",)),
    Gadget("shelve", _NESTED, ("GHSA-mhc9-48gj-9gp3",)),
    Gadget("joblib.load", _NESTED, ("PoC",)),
    Gadget("numpy.load", _NESTED, ("mechanism",)),
    Gadget("pandas.read_pickle", _NESTED, ("mechanism",)),
    Gadget("torch.load", _NESTED + " (weights_only=False)", ("picklescan 93764d6",)),
    Gadget("torch.serialization.load", _NESTED, ("picklescan 93764d6",)),
    Gadget("torch.utils._config_module", _NESTED, ("GHSA-vv6j-3g6g-2pvj",)),
    Gadget("torch.utils.data.datapipes.utils.decoder", _NESTED, ("GHSA-h3qp-7fh3-f8h4",)),
    Gadget("keras.models.load_model", "loads another model", ("CVE-2025-9906",)),
    # --- native code -------------------------------------------------------------------
    Gadget("ctypes", "loads native libraries and calls C (pythonapi)", ("CVE-2025-71323",)),
    Gadget("_ctypes", "loads native libraries", ("GHSA-4675-36f9-wf6r", "PoC")),
    Gadget("numpy.ctypeslib", "loads native libraries", ("mechanism",)),
    Gadget("torch.utils.cpp_extension", "compiles and loads C++ code", ("mechanism",)),
    # --- ML-library gadgets ------------------------------------------------------------
    Gadget("torch.hub", "downloads a repository and runs its hubconf.py", ("mechanism",)),
    Gadget("torch.jit", "compiles and runs TorchScript", ("GHSA-vr7h-p6mm-wpmh",)),
    Gadget("torch._dynamo", "evaluates guard expressions", ("GHSA-86cj-95qr-2p4f",)),
    Gadget("torch._inductor", "runs compiler commands", ("picklescan 93764d6",)),
    Gadget("torch.fx", "evaluates expressions", ("GHSA-f4x7-rfwp-v3xw", "CVE-2025-71356")),
    Gadget("torch.utils.bottleneck", _EXEC, ("GHSA-4r9r-ch6f-vxmx", "GHSA-4whj-rm5r-c2v8")),
    Gadget("torch.utils.collect_env", _CMD, ("GHSA-f745-w6jp-hpxx", "GHSA-jhph-76pp-mggw")),
    Gadget("torch.distributed", "makes remote calls", ("CVE-2024-5480",)),
    Gadget("torch.package", "imports packaged code", ("PoC",)),
    Gadget("torch.compile", "compiles and runs code", ("mechanism",)),
    Gadget("numpy.testing", "runs Python source (runstring)", ("CVE-2025-71355",)),
    Gadget(
        "numpy.f2py", "evaluates Fortran expressions", ("GHSA-r8g5-cgf2-4m4m", "CVE-2025-71365")
    ),
    Gadget("numpy.distutils", "compiles and runs code", ("mechanism",)),
    Gadget("numpy.core._ufunc_reconstruct", "imports arbitrary modules", ("mechanism",)),
    Gadget("numpy._core._ufunc_reconstruct", "imports arbitrary modules", ("mechanism",)),
    Gadget("pandas.io", "reads and writes files", ("mechanism",)),
    Gadget("pandas.HDFStore", "creates files (a top-level alias of pandas.io)", ("mechanism",)),
    Gadget("pandas.ExcelWriter", "creates files (a top-level alias of pandas.io)", ("mechanism",)),
    Gadget("pandas.ExcelFile", "opens files (a top-level alias of pandas.io)", ("mechanism",)),
    Gadget("pandas.eval", "evaluates expressions", ("mechanism",)),
    Gadget("pandas.core.computation", "evaluates expressions", ("mechanism",)),
    # --- files and network (exfiltration, overwrite, staging) --------------------------
    Gadget("io.FileIO", "opens files", ("GHSA-9726-w42j-3qjr",)),
    Gadget("_io", "opens files", ("GHSA-9726-w42j-3qjr",)),
    Gadget("io.open", "opens files", ("GHSA-9726-w42j-3qjr",)),
    Gadget("codecs.open", "opens files", ("PoC",)),
    Gadget("pathlib.Path", "reads and writes files", ("PoC",)),
    Gadget("shutil", "copies and deletes files", ("CWE-502",)),
    Gadget("tempfile", "creates files", ("GHSA-mhc9-48gj-9gp3",)),
    Gadget("logging.FileHandler", "creates and appends files", ("GHSA-m7j5-r2p5-c39r",)),
    Gadget("glob", "lists files", ("GHSA-mhc9-48gj-9gp3",)),
    Gadget("fileinput", "reads files", ("GHSA-mhc9-48gj-9gp3",)),
    Gadget("linecache", "reads files", ("GHSA-mhc9-48gj-9gp3",)),
    Gadget("tarfile", "extracts archives", ("GHSA-mhc9-48gj-9gp3",)),
    Gadget("zipfile", "extracts archives", ("GHSA-mhc9-48gj-9gp3",)),
    Gadget("sqlite3", "opens databases", ("GHSA-mhc9-48gj-9gp3",)),
    Gadget("mmap", "maps files", ("GHSA-mhc9-48gj-9gp3",)),
    Gadget("compileall", "compiles files", ("GHSA-mhc9-48gj-9gp3",)),
    Gadget("py_compile", "compiles files", ("GHSA-mhc9-48gj-9gp3",)),
    Gadget("urllib", _NET, ("GHSA-9726-w42j-3qjr",)),
    Gadget("http", _NET, ("GHSA-hgrh-qx5j-jfwx",)),
    Gadget("httplib", _NET, ("GHSA-hgrh-qx5j-jfwx",)),
    Gadget("requests", _NET, ("GHSA-hgrh-qx5j-jfwx",)),
    Gadget("httpx", _NET, ("mechanism",)),
    Gadget("aiohttp", _NET, ("GHSA-hgrh-qx5j-jfwx",)),
    Gadget("ssl", _NET, ("picklescan 62e76cf",)),
    Gadget("ftplib", _NET, ("GHSA-mxhj-88fx-4pcv",)),
    Gadget("smtplib", _NET, ("GHSA-mxhj-88fx-4pcv",)),
    Gadget("poplib", _NET, ("GHSA-mxhj-88fx-4pcv",)),
    Gadget("telnetlib", _NET, ("GHSA-mxhj-88fx-4pcv",)),
    Gadget("nntplib", _NET, ("GHSA-mxhj-88fx-4pcv",)),
    Gadget("socketserver", "listens for connections", ("GHSA-mhc9-48gj-9gp3",)),
    Gadget("xmlrpc", _NET, ("GHSA-mhc9-48gj-9gp3",)),
)

BY_PREFIX: dict[str, Gadget] = {gadget.prefix: gadget for gadget in GADGETS}
