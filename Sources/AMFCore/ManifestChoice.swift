/// A closed choice written as a string in manifests, params and artifacts (`env.name`, `select.strategy`…).
///
/// Each such ID lives once, in the lowest module that owns the concept (HOUSE-STYLE §3.1); every layer
/// above uses it directly. Decoding an unknown value names the valid ones and the closest; `--help` lists
/// `allowedValues`.
public protocol ManifestChoice: RawRepresentable<String>, CaseIterable, Codable, Hashable, Sendable {}

extension ManifestChoice {
  /// Decodes the raw value; an unknown one is an error listing every valid value and the closest.
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = Self(rawValue: text) else {
      throw DecodingError.dataCorrupted(
        DecodingError.Context(codingPath: decoder.codingPath, debugDescription: Self.unknownValueReason(text)))
    }
    self = value
  }

  /// Every raw value, in declaration order.
  public static var allowedValues: [String] { allCases.map(\.rawValue) }

  /// Why `text` is not a value: `'x' is not one of a, b, c; did you mean 'a'?`.
  public static func unknownValueReason(_ text: String) -> String {
    let suggestion = closestMatch(to: text, in: allowedValues).map { "; did you mean '\($0)'?" } ?? ""
    return "'\(text)' is not one of \(allowedValues.joined(separator: ", "))\(suggestion)"
  }
}

/// The closest of `candidates` to `word` by Levenshtein distance, if it is close enough to be a likely typo
/// (at most a third of the word's length, and at least 1 edit allowed; ties go to the first candidate).
public func closestMatch(to word: String, in candidates: [String]) -> String? {
  let limit = max(1, word.count / 3)
  let scored = candidates.map { (candidate: $0, distance: editDistance(word, $0)) }
  guard let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= limit else { return nil }
  return best.candidate
}

/// The Levenshtein distance between two strings, counted in characters.
public func editDistance(_ lhs: String, _ rhs: String) -> Int {
  let a = Array(lhs)
  let b = Array(rhs)
  var previous = Array(0...b.count)
  for i in 1...max(a.count, 1) where !a.isEmpty {
    var current = [i] + Array(repeating: 0, count: b.count)
    for j in stride(from: 1, through: b.count, by: 1) {
      let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
      current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
    }
    previous = current
  }
  return a.isEmpty ? b.count : previous[b.count]
}
