import Foundation

/// `liu bench update --svg FILE`: the median downtime of each target and machine as one
/// horizontal bar, its phases stacked in the kernel's order, with a legend and the total at the
/// bar's end. Plain SVG 1.1 that a browser shows as it is.
enum DowntimeChart {
    static let colors = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"]
    static let rowHeight = 28, barHeight = 18, labelWidth = 170, barWidth = 560, rightMargin = 150, top = 56

    /// `unit` names the figures: "instructions" or "ns".
    static func svg(_ rows: [PhaseStatistics], title: String, unit: String) -> String {
        let names = rows.flatMap { $0.parts.map(\.name) }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let scale = Double(barWidth) / Double(max(rows.map(\.total.median).max() ?? 1, 1))
        let height = top + rows.count * rowHeight + 30
        var svg = [#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(labelWidth + barWidth + rightMargin)" height="\#(height)" font-family="sans-serif" font-size="12">"#,
                   #"<text x="8" y="18" font-size="14" font-weight="bold">\#(escaped(title))</text>"#]
        var legendX = 8
        for (index, name) in names.enumerated() {
            svg.append(#"<rect x="\#(legendX)" y="30" width="12" height="12" fill="\#(colors[index % colors.count])"/>"#)
            svg.append(#"<text x="\#(legendX + 16)" y="40">\#(escaped(name))</text>"#)
            legendX += 30 + 7 * name.count
        }
        for (row, statistics) in rows.enumerated() {
            let y = top + row * rowHeight
            svg.append(#"<text x="8" y="\#(y + 13)">\#(escaped(statistics.label))</text>"#)
            var x = Double(labelWidth)
            for phase in statistics.parts {
                let width = Double(phase.figures.median) * scale
                let color = colors[(names.firstIndex(of: phase.name) ?? 0) % colors.count]
                svg.append(#"<rect x="\#(format(x))" y="\#(y)" width="\#(format(width))" height="\#(barHeight)" fill="\#(color)">"#
                    + #"<title>\#(escaped(statistics.label)) \#(escaped(phase.name)): \#(figure(phase.figures.median, unit))</title></rect>"#)
                x += width
            }
            svg.append(#"<text x="\#(format(x + 6))" y="\#(y + 13)">\#(figure(statistics.total.median, unit))</text>"#)
        }
        svg.append(#"<text x="8" y="\#(height - 10)" fill="gray">median over the updates of each row; hover a segment for its phase</text>"#)
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    /// "472k instructions" or "43.873 ms".
    static func figure(_ value: UInt64, _ unit: String) -> String {
        unit == "instructions" ? "\((value + 500) / 1000)k instructions" : DowntimeSummary.milliseconds(value)
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
