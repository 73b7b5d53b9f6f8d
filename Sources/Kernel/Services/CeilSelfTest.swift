/// The kernel's own `ceil` (Runtime.swift) against values whose answers are known exactly,
/// compared bit for bit so that the sign of zero counts.
enum CeilSelfTest {
    static func run() -> Never {
        let cases: [(Double, Double)] = [
            (1.5, 2), (-1.5, -1), (0.2, 1), (-0.2, -0.0), (3, 3), (-3, -3), (0, 0), (-0.0, -0.0),
            (4_503_599_627_370_495.5, 4_503_599_627_370_496), (1.0e300, 1.0e300), (1.9999999999999998, 2),
            (0x1p-1074, 1), (.infinity, .infinity), (-.infinity, -.infinity), (255.000001, 256),
        ]
        for (input, expected) in cases where ceilDouble(input).bitPattern != expected.bitPattern {
            Console.write("ceil of ")
            Console.writeHex(input.bitPattern)
            Console.write(" gave ")
            Console.writeHex(ceilDouble(input).bitPattern)
            Console.newline()
            SelfTest.fail("ceil")
        }
        guard ceilDouble(.nan).isNaN else { SelfTest.fail("ceil of NaN") }
        SelfTest.pass("ceil")
    }
}
