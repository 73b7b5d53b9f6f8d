/* Memory barrier for device rings: order normal-memory ring accesses and device writes. */
    .text
    .globl liu_memory_barrier
liu_memory_barrier:
    dmb sy
    ret
