import AMFTestSupport
import Foundation
import Testing

@testable import AMFPipeline

/// `amf-pipeline dag` in every format, pinned on the diamond of `ScheduleTests`, and plan files.
@Suite struct DagRendererTests {
  static func graph() throws -> StageGraph { try StageGraph(ScheduleTests.diamond) }

  @Test func text() throws {
    #expect(try DagRenderer.render(Self.graph(), name: "m", format: .text) == """
      a
      b
          x ← a.out
      c
          x ← a.out
      d
          x ← b.out
          y ← c.out
      """)
    // The formats are a closed set: a name outside it is not a format.
    #expect(DagFormat(rawValue: "txt") == nil)
    #expect(DagFormat.allCases.map(\.rawValue) == ["text", "dot", "mermaid", "json"])
  }

  @Test func dot() throws {
    #expect(try DagRenderer.render(Self.graph(), name: "study", format: .dot) == """
      digraph "study" {
        rankdir=LR;
        node [shape=box, fontname="Helvetica"];
        "a";
        "b";
        "c";
        "d";
        "a" -> "b" [label="x"];
        "a" -> "c" [label="x"];
        "b" -> "d" [label="x"];
        "c" -> "d" [label="y"];
      }
      """)
  }

  @Test func mermaid() throws {
    #expect(try DagRenderer.render(Self.graph(), name: "m", format: .mermaid) == """
      graph LR
        n0["a"]
        n1["b"]
        n2["c"]
        n3["d"]
        n0 -->|x| n1
        n0 -->|x| n2
        n1 -->|x| n3
        n2 -->|y| n3
      """)
  }

  /// The JSON format is a plan file that `run` accepts back: same name, same runs, in graph order.
  @Test func jsonIsAPlanFileThatReadsBack() throws {
    let folder = try TemporaryDirectory("amf-dag")
    defer { folder.remove() }
    let graph = try StageGraph(TestPlans.chain(seeds: [0, 1], rounds: 2))
    let text = try DagRenderer.render(graph, name: "chain", format: .json)
    #expect(text.hasPrefix("{\n  \"name\" : \"chain\",\n  \"runs\" : [\n"))
    let url = folder.file("chain.plan.json")
    try Data(text.utf8).write(to: url)
    let plan = try PlanFile.read(url)
    #expect(plan.name == "chain")
    #expect(plan.runs == graph.order)
    #expect(plan.runs.count == 15)
  }

  static func planText(_ runs: [StageRunSpec], name: String = "p") throws -> Data {
    try JSONEncoder().encode(PlanFile(name: name, runs: runs))
  }

  static func readPlan(_ data: Data) throws -> Result<PlanFile, PipelineError> {
    let folder = try TemporaryDirectory("amf-plan")
    defer { folder.remove() }
    let url = folder.file("p.plan.json")
    try data.write(to: url)
    do {
      return .success(try PlanFile.read(url))
    } catch let error as PipelineError {
      return .failure(error)
    }
  }

  static func message(_ data: Data) throws -> String {
    switch try readPlan(data) {
    case .success: "accepted"
    case .failure(let error): "\(error)"
    }
  }

  @Test func aSeedOverTwoToTheFiftyThirdIsRefused() throws {
    var run = ScheduleTests.spec("a")
    run.seed = (1 << 53) + 1
    let text = try Self.message(Self.planText([run]))
    #expect(text.hasSuffix(
      "p.plan.json: cannot read (run 'a' seed 9007199254740993 is over 2^53 = 9007199254740992, the largest seed a "
        + "lock holds exactly (locks store it as a JSON number); use a smaller seed)"), "\(text)")
    run.seed = 1 << 53
    #expect(try Self.readPlan(Self.planText([run])).get().runs == [run])
  }

  @Test func anOutputRoleThatIsNotAPlainNameIsRefused() throws {
    var run = ScheduleTests.spec("a")
    run.outputRoles = ["../escape"]
    let text = try Self.message(Self.planText([run]))
    #expect(text.hasSuffix("cannot read (run 'a' output role '../escape' is not a plain name (letters, digits, "
      + "'_' and '-'; it becomes part of a file name in the store); rename it)"), "\(text)")
  }

  @Test func somethingElseIsNotAPlanFile() throws {
    #expect(try Self.message(Data("[1,2]".utf8)).contains("cannot read (not a plan file: "))
    #expect(try Self.message(Data(#"{"name":"p","runs":[{"name":"a"}]}"#.utf8)).contains("not a plan file"))
    #expect(try Self.message(Data()).contains("not a plan file"))
  }
}
