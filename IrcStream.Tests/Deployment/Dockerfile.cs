namespace IrcStream.Tests.Deployment;

/// <summary>One instruction of a Dockerfile: its keyword upper-cased and the rest of its (joined) line.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments);

/// <summary>One <c>FROM ... [AS name]</c> stage and the instructions after it.</summary>
public sealed record DockerStage(string BaseImage, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<string> ArgumentsOf(string keyword) =>
        Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);
}

/// <summary>Reads a Dockerfile's stages: comments dropped, lines ending in '\' joined with the next.</summary>
internal static class Dockerfile
{
    public static IReadOnlyList<DockerStage> Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var pending = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (pending.Length == 0 && line.TrimStart().StartsWith('#')) continue;
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            var whole = (pending + line).Trim();
            pending = "";
            if (whole.Length == 0) continue;
            var space = whole.IndexOf(' ');
            instructions.Add(space < 0
                ? new DockerInstruction(whole.ToUpperInvariant(), "")
                : new DockerInstruction(whole[..space].ToUpperInvariant(), whole[(space + 1)..].Trim()));
        }

        var stages = new List<DockerStage>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                var parts = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var name = parts.Length == 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null;
                stages.Add(new DockerStage(parts[0], name, []));
            }
            else if (stages.Count == 0)
            {
                throw new InvalidDataException($"The Dockerfile has {instruction.Keyword} before its first FROM.");
            }
            else
            {
                stages[^1] = stages[^1] with { Instructions = [.. stages[^1].Instructions, instruction] };
            }
        }
        return stages;
    }
}
