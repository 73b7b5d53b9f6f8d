@preconcurrency import Glibc
import Liu

// Line-buffered even into a pipe, so that liu's lines and a guest's console stay in order.
setvbuf(stdout, nil, _IOLBF, 0)
// Through Interruption: an exit racing a Ctrl-C leaves the exit code to the signal's handler.
Interruption.exit(LiuTool.main(Array(CommandLine.arguments.dropFirst())))
