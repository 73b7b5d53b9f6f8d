// Linked into images built with the kernel's self-tests (`liu build --self-tests`): the
// kernel's `liu_self_test` runs the one `test=NAME` names.
@_extern(c, "liu_run_self_test")
private func runSelfTest()

@_cdecl("liu_self_test")
func selfTest() { runSelfTest() }
