/* Memory barrier for device rings. x86 keeps stores and loads in program order for the
   cases virtqueues need; the call itself stops the compiler from reordering. */
    .text
    .globl liu_memory_barrier
liu_memory_barrier:
    ret
