/// System registers and firmware calls that Swift cannot express, implemented in cpu.S.
@_extern(c, "liu_counter") func readCounter() -> UInt64
@_extern(c, "liu_counter_frequency") func readCounterFrequency() -> UInt64
@_extern(c, "liu_vtimer_set") func setVirtualTimer(ticksFromNow: UInt64)
@_extern(c, "liu_vtimer_control") func setVirtualTimerControl(_ value: UInt64)
@_extern(c, "liu_interrupts_enable") func interruptsEnable()
@_extern(c, "liu_interrupts_disable") func interruptsDisable()
@_extern(c, "liu_wait_for_interrupt") func waitForInterruptInstruction()
@_extern(c, "liu_fiq_enable") func fiqEnable()
@_extern(c, "liu_fiq_disable") func fiqDisable()
@_extern(c, "liu_hvc_call") func hypervisorCall(_ function: UInt64, _ a1: UInt64, _ a2: UInt64, _ a3: UInt64) -> UInt64
@_extern(c, "liu_semihosting_call") func semihostingCall(_ operation: UInt64, _ parameters: UnsafeRawPointer) -> UInt64
@_extern(c, "liu_rndr") func readRandom(_ out: UnsafeMutablePointer<UInt64>) -> Int32
@_extern(c, "liu_cause_fault") func causeFaultInstruction(_ kind: Int32)
@_extern(c, "liu_symbol_address") func symbolAddress(_ which: Int32) -> UInt
