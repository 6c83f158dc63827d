// TEMPORARY: replaced by the checkpoint store.
using System.Text.Json.Nodes;
namespace Reactive.Host.Checkpoints;
internal sealed record CheckpointMetadata(string Pipeline, string Kind, string Fingerprint);
internal sealed class CheckpointException(string m) : Exception(m);
internal sealed record RestorePoint(long BatchId, System.Text.Json.JsonElement? State, JsonNode? Offsets, JsonNode? Commit);
internal sealed record RerunBatch(long BatchId, JsonNode? Offsets);
internal sealed record RecoveryPlan(RestorePoint? Restore, IReadOnlyList<RerunBatch> Reruns, IReadOnlyList<string> Warnings);
internal sealed class CheckpointDirectory : IDisposable
{
    public static CheckpointDirectory Open(string path, CheckpointMetadata m) => throw new NotImplementedException();
    public static void Reset(string path) => throw new NotImplementedException();
    public RecoveryPlan Recover() => throw new NotImplementedException();
    public void WriteOffsets(long id, JsonNode n) => throw new NotImplementedException();
    public void WriteState(long id, JsonNode n) => throw new NotImplementedException();
    public void WriteCommit(long id, JsonNode n) => throw new NotImplementedException();
    public void Retain(int n) => throw new NotImplementedException();
    public void Dispose() { }
}
