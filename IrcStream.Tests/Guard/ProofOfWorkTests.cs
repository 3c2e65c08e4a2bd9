using System.Security.Cryptography;
using IrcStream.Api.Guard;

namespace IrcStream.Tests.Guard;

/// <summary>The challenge token and the judging of its solutions, without a store.</summary>
public sealed class ProofOfWorkTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ASolvedChallengePassesBeforeItExpiresAndNotAfter()
    {
        var token = ProofOfWork.Issue(Key, Now.AddMinutes(2), 10);
        var nonce = AdmissionApiTests.Solve(token, 10);
        ProofOfWork.Check(Key, token, nonce, Now, out var id, out var expires).Should().Be(ProofOutcome.Passed);
        id.Should().MatchRegex("^[0-9a-f]{32}$");
        expires.Should().Be(Now.AddMinutes(2));
        ProofOfWork.Check(Key, token, nonce, Now.AddMinutes(2), out _, out _).Should().Be(ProofOutcome.Expired);
    }

    [Fact]
    public void ChallengesDifferAndCarryTheirDifficulty()
    {
        var one = ProofOfWork.Issue(Key, Now.AddMinutes(2), 12);
        one.Should().NotBe(ProofOfWork.Issue(Key, Now.AddMinutes(2), 12));
        var easy = AdmissionApiTests.Solve(one, 1);
        if (ProofOfWork.LeadingZeroBits(one, easy) < 12)
            ProofOfWork.Check(Key, one, easy, Now, out _, out _).Should().Be(ProofOutcome.NotEnoughWork);
    }

    [Fact]
    public void AChallengeSignedWithAnotherKeyOrAlteredIsRefused()
    {
        var token = ProofOfWork.Issue(Key, Now.AddMinutes(2), 4);
        var nonce = AdmissionApiTests.Solve(token, 4);
        ProofOfWork.Check(RandomNumberGenerator.GetBytes(32), token, nonce, Now, out _, out _).Should().Be(ProofOutcome.BadSignature);

        // The payload with an easier difficulty (its last byte) keeps the old signature, which no longer fits.
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        var payload = System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(0, dot));
        payload[^1] = 0;
        var forged = System.Buffers.Text.Base64Url.EncodeToString(payload) + token[dot..];
        ProofOfWork.Check(Key, forged, "0", Now, out _, out _).Should().Be(ProofOutcome.BadSignature);
    }

    [Theory]
    [InlineData(null, "1")]
    [InlineData("", "1")]
    [InlineData("no-dot", "1")]
    [InlineData("AAAA.AAAA", "1")]
    [InlineData("x.y", "not a number")]
    [InlineData("x.y", "")]
    [InlineData("x.y", "123456789012345678901")]
    public void ATokenOrNonceThatIsNotOursIsMalformed(string? token, string? nonce) =>
        ProofOfWork.Check(Key, token, nonce, Now, out _, out _).Should().Be(ProofOutcome.Malformed);

    [Theory]
    [InlineData(new byte[] { 0, 0, 0x80 }, 16)]
    [InlineData(new byte[] { 0, 0x01 }, 15)]
    [InlineData(new byte[] { 0x40 }, 1)]
    [InlineData(new byte[] { 0xff }, 0)]
    public void ZeroBitsAreCountedFromTheFirstByteOn(byte[] start, int bits)
    {
        // Checked through the public count on real hashes: find an input whose hash starts as given.
        var token = "t";
        for (var nonce = 0; nonce < 2_000_000; nonce++)
        {
            var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{token}:{nonce}"));
            if (!PrefixMatches(hash, start)) continue;
            ProofOfWork.LeadingZeroBits(token, nonce.ToString(System.Globalization.CultureInfo.InvariantCulture)).Should().Be(bits);
            return;
        }
        Assert.Fail("No hash with that start among the first 2,000,000 nonces.");
    }

    /// <summary>The hash starts with the zero bytes of <paramref name="start"/> and then a byte with the same leading zero count as its last.</summary>
    private static bool PrefixMatches(byte[] hash, byte[] start)
    {
        for (var i = 0; i < start.Length - 1; i++)
        {
            if (hash[i] != start[i]) return false;
        }
        var last = start[^1];
        return System.Numerics.BitOperations.LeadingZeroCount(hash[start.Length - 1]) == System.Numerics.BitOperations.LeadingZeroCount(last);
    }
}
