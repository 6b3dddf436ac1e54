import os
import builtins

# ruleid: SG057
getattr(os, "sys" + "tem")("id")
# ruleid: SG057
fn = getattr(builtins, "".join(["ev", "al"]))
# ruleid: SG057
fn = getattr(builtins, "cexe"[::-1])
# ok: SG057
fn = getattr(module, name)
# ok: SG057
fn = getattr(self, "on_" + event)
# ok: SG057
value = getattr(config, "lr", 0.001)
