# ruleid: SG058
exec("\x69\x6d\x70\x6f\x72\x74\x20\x6f\x73")
# ok: SG058
exec("print('hello')")
# ok: SG058
eval("1 + 2")
