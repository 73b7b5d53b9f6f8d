import Testing
import Net

@Suite struct AddressingTests {
    @Test func parsesDottedQuads() {
        #expect(IPv4Address("10.0.2.15") == IPv4Address(10, 0, 2, 15))
        #expect(IPv4Address("10.0.2.15")?.description == "10.0.2.15")
        for bad in ["10.0.2", "10.0.2.256", "10..2.1", "a.b.c.d", "1.2.3.4.5", "", "1234.1.1.1"] {
            #expect(IPv4Address(bad) == nil, "\(bad)")
        }
        #expect(MACAddress(0x52, 0x54, 0, 0x12, 0x34, 0xAB).description == "52:54:00:12:34:ab")
    }

    @Test func parsesStaticCommandLine() throws {
        let mode = try AddressingMode.parse(commandLine: "console=ttyS0 ip=10.0.2.15/24,gw=10.0.2.2,dns=10.0.2.3 quiet")
        #expect(mode == .manual(ip: IPv4Address(10, 0, 2, 15), netmask: IPv4Address(255, 255, 255, 0),
                                gateway: IPv4Address(10, 0, 2, 2), dns: IPv4Address(10, 0, 2, 3)))
        let noPrefix = try AddressingMode.parse(commandLine: "ip=192.168.1.9")
        #expect(noPrefix == .manual(ip: IPv4Address(192, 168, 1, 9), netmask: IPv4Address(255, 255, 255, 0),
                                    gateway: nil, dns: nil))
        #expect(try AddressingMode.parse(commandLine: "ip=dhcp") == .dhcp)
        let mac = MACAddress(2, 0, 0, 0, 0, 1)
        #expect(mode.interfaceConfig(mac: mac) == InterfaceConfig(mac: mac, ip: IPv4Address(10, 0, 2, 15),
                                                                 netmask: IPv4Address(255, 255, 255, 0),
                                                                 gateway: IPv4Address(10, 0, 2, 2), dns: IPv4Address(10, 0, 2, 3)))
        #expect(!AddressingMode.dhcp.interfaceConfig(mac: mac).isConfigured)
    }

    @Test func rejectsBadCommandLines() {
        #expect(throws: AddressingMode.ParseError.missingAddress) { try AddressingMode.parse(commandLine: "gw=10.0.2.2") }
        #expect(throws: AddressingMode.ParseError.badValue(.ip)) {
            try AddressingMode.parse(commandLine: "ip=10.0.2.15/33")
        }
        #expect(throws: AddressingMode.ParseError.badValue(.gw)) {
            try AddressingMode.parse(commandLine: "ip=10.0.2.15/24 gw=nowhere")
        }
        #expect(throws: AddressingMode.ParseError.badValue(.dns)) { try AddressingMode.parse(commandLine: "ip=1.2.3.4 dns=1.2.3") }
        #expect(throws: AddressingMode.ParseError.badValue(.ip)) { try AddressingMode.parse(commandLine: "ip=1.2.3.4/") }
    }

    @Test func routing() {
        let config = InterfaceConfig(mac: .zero, ip: IPv4Address(10, 0, 2, 15), netmask: .netmask(prefixLength: 24),
                                     gateway: IPv4Address(10, 0, 2, 2))
        #expect(config.isOnLink(IPv4Address(10, 0, 2, 200)))
        #expect(!config.isOnLink(IPv4Address(8, 8, 8, 8)))
        #expect(config.subnetBroadcast == IPv4Address(10, 0, 2, 255))
    }
}
