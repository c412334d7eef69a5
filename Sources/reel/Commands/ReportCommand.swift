import ArgumentParser
import ReelCore
import ReelPipeline

/// `reel report`: the evaluation report as a self-contained HTML page.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the evaluation report (HTML with inline SVG plots) for the latest model run and the nightly history.",
        discussion: """
            One self-contained file: NDCG@10, Recall@10 and coverage per candidate (with confidence \
            intervals when the evaluation records them), the blend search as a heatmap, training loss \
            per iteration, metrics, data volumes and quarantined rows across the last --history nightly \
            runs. No script, nothing loaded from the network. `reel publish` and `reel nightly` carry \
            the same page in the release (the daemon serves it at /report), and the nightly also writes \
            it beside its run record (output/runs/<run-id>/report.html).

            Examples:
              reel report                       # output/report.html
              reel report --out /tmp/report.html --history 10
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Where to write the page (default: output/report.html).", valueName: "path"))
    var out: String?

    @Option(help: "Nightly runs to show (the newest ones).")
    var history: Int = ReportPage.defaultHistory

    @Option(help: ArgumentHelp("Model run folder (default: output/models/latest).", valueName: "dir"))
    var model: String?

    func validate() throws {
        guard history >= 1, history <= 10_000 else { throw ValidationError("--history must be between 1 and 10000") }
    }

    func run() async throws {
        try await runReel {
            let home = global.home()
            let folder = model.map { FileSystem.resolve($0, against: FileSystem.currentDirectory()) }
            let page = ReportPage.html(ReportPage.gather(home: home, history: history, modelFolder: folder))
            let path = out.map { FileSystem.resolve($0, against: FileSystem.currentDirectory()) } ?? Path.join(home.output, "report.html")
            try FileSystem.writeAtomically(path, text: page)
            print("wrote \(path) (\(Console.bytes(page.utf8.count)))")
        }
    }
}
