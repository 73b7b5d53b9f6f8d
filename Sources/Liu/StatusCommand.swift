/// `liu status HOST:PORT`: what a running kernel says about itself on its update port.
enum StatusCommand {
    static func run(destination: String, json: Bool) throws -> Int32 {
        throw ToolFailure(description: "liu status is not implemented yet")
    }
}
