import AMFCore
import AMFPipeline
import AMFSelection

/// A closed choice written as a string in manifests and params; decoding an unknown value names the valid ones.
public protocol ManifestChoice: RawRepresentable<String>, CaseIterable, Codable, Hashable, Sendable {}

extension ManifestChoice {
  /// Decodes the raw value; an unknown one is an error listing every valid value and the closest.
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = Self(rawValue: text) else {
      let valid = Self.allCases.map(\.rawValue)
      let suggestion = closestMatch(to: text, in: valid).map { "; did you mean '\($0)'?" } ?? ""
      throw DecodingError.dataCorrupted(
        DecodingError.Context(
          codingPath: decoder.codingPath,
          debugDescription: "'\(text)' is not one of \(valid.joined(separator: ", "))\(suggestion)"))
    }
    self = value
  }
}

extension EnvironmentName: ManifestChoice {}
extension ScenarioName: ManifestChoice {}
extension PolicyKind: ManifestChoice {}
extension Activation: ManifestChoice {}
extension BatchConditioning: ManifestChoice {}
