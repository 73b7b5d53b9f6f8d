/// `liu status HOST:PORT [--json]`: what a running kernel says about itself on its update port.
enum StatusCommand {
    static func run(destination: String, json: Bool) throws -> Int32 {
        let (host, port) = try Push.parse(destination)
        let status = try GuestStatus.fetch(host: host, port: port)
        print(json ? status.json : status.text)
        return 0
    }
}
