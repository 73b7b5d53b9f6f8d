@preconcurrency import Glibc
import Liu

// Line-buffered even into a pipe, so that liu's lines and a guest's console stay in order.
setvbuf(stdout, nil, _IOLBF, 0)
exit(LiuTool.main(Array(CommandLine.arguments.dropFirst())))
