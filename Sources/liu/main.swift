import Foundation
import Liu

exit(LiuTool.main(Array(CommandLine.arguments.dropFirst())))
