import Testing

@testable import AMFCommands

/// The status line `run` rewrites on a terminal never wraps: long lines lose their middle.
@Suite struct TerminalLineTests {
  @Test func shortLinesStayWhole() {
    #expect(TerminalLine.cut("done a in 1.00 s", to: 20) == "done a in 1.00 s")
  }

  @Test func longLinesKeepBothEnds() {
    // Width 30: 29 characters kept, 14 from the start and 15 from the end around the ellipsis.
    let cut = TerminalLine.cut("[12/583] amf-steps-per-demo/finetune/seed-0/round-2 · about 41 min left", to: 30)
    #expect(cut == "[12/583] amf-s…out 41 min left")
    #expect(cut.count == 30)
  }
}
