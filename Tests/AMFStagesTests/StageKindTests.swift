import Testing

@testable import AMFStages

@Suite struct StageKindTests {
  @Test func everyInputRoleIsUnique() {
    for kind in StageKind.allCases {
      let roles = kind.inputs.map(\.role)
      #expect(Set(roles).count == roles.count)
    }
  }
}
