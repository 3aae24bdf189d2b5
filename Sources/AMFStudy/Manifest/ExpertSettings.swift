import AMFCore
import AMFPipeline
import AMFStages

/// The `expert:` section of an arm or a study: where the demonstrations a fine-tuning round asks for come
/// from. Without it the environment's simulated expert answers every request; with
/// `expert: {demonstrations: PATH}` the recorded demonstrations in PATH do (`RecordedExpert`): every
/// finetune run reads the file as its input `demonstrations_from`, and the file's content hash is part of
/// its key, so changing the file's bytes makes the finetune runs and everything downstream stale.
public struct ExpertSettings: Codable, Hashable, Sendable {
  /// `demonstrations: PATH` as written: a `demonstrations` artifact (e.g. made by `amf-pipeline import
  /// demonstrations`), relative to the folder of the manifest file that names it.
  public var demonstrations: String
  /// The file once `PipelineManifest.load` has found, read and checked it: its absolute path and content
  /// hash. Nil for a section decoded on its own.
  public var recorded: FileInput?

  /// The key of this section in a manifest, and of its one field.
  static let key = "expert"
  static let path = "expert.demonstrations"

  enum CodingKeys: String, CodingKey, CaseIterable {
    case demonstrations
  }

  /// The section naming `demonstrations`.
  public init(demonstrations: String) {
    self.demonstrations = demonstrations
  }

  /// Decodes strictly and validates.
  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownKeys(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    demonstrations = try c.decode(String.self, forKey: .demonstrations)
    try decoder.validating {
      guard !demonstrations.isEmpty, !demonstrations.contains("\0") else {
        throw InvalidParameter("demonstrations", reason: "must be the path of a demonstrations artifact")
      }
    }
  }

  /// Encodes the path as written.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(demonstrations, forKey: .demonstrations)
  }
}
