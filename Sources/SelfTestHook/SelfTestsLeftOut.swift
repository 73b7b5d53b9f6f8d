// Linked into every other image: `liu_self_test` does nothing, so nothing refers to the
// kernel's self-tests and the link leaves them out (24 KB of kv's x86_64 image).
@_cdecl("liu_self_test")
func selfTest() {}
