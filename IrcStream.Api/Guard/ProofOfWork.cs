using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace IrcStream.Api.Guard;

/// <summary>How a proof of work was judged.</summary>
internal enum ProofOutcome
{
    Passed,
    Malformed,
    BadSignature,
    Expired,
    NotEnoughWork,
    AlreadyUsed,
}

/// <summary>
/// The gateway's proof-of-work challenge, stateless until it is used: a token <c>{payload}.{signature}</c> whose payload
/// (base64url) holds a version byte, a random 16-byte id, the expiry (Unix seconds) and the difficulty, signed with
/// HMAC-SHA256 under the gateway's key. A solution is a nonce (decimal digits) such that
/// <c>SHA-256("{token}:{nonce}")</c> starts with <c>difficulty</c> zero bits. The store makes each token count once.
/// </summary>
internal static class ProofOfWork
{
    private const byte Version = 1;
    private const int IdBytes = 16;
    private const int PayloadBytes = 1 + IdBytes + 8 + 1;
    private const int MaxNonceLength = 20;
    private const int MaxTokenLength = 200;

    /// <summary>A fresh challenge token.</summary>
    public static string Issue(byte[] key, DateTimeOffset expires, int difficulty)
    {
        Span<byte> payload = stackalloc byte[PayloadBytes];
        payload[0] = Version;
        RandomNumberGenerator.Fill(payload.Slice(1, IdBytes));
        BinaryPrimitives.WriteInt64BigEndian(payload.Slice(1 + IdBytes, 8), expires.ToUnixTimeSeconds());
        payload[^1] = (byte)difficulty;
        Span<byte> signature = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, payload, signature);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Judges a solution without the store: signature, expiry, work. On success, the challenge's id and expiry for the single-use check.</summary>
    public static ProofOutcome Check(byte[] key, string? token, string? nonce, DateTimeOffset now, out string id, out DateTimeOffset expires)
    {
        id = "";
        expires = default;
        if (token is not { Length: > 0 and <= MaxTokenLength } || nonce is not { Length: > 0 and <= MaxNonceLength } || !nonce.All(char.IsAsciiDigit))
            return ProofOutcome.Malformed;
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0) return ProofOutcome.Malformed;
        Span<byte> payload = stackalloc byte[PayloadBytes + 4];
        Span<byte> signature = stackalloc byte[HMACSHA256.HashSizeInBytes + 4];
        if (Base64Url.DecodeFromChars(token.AsSpan(0, dot), payload, out _, out var payloadLength) != System.Buffers.OperationStatus.Done
            || payloadLength != PayloadBytes || payload[0] != Version
            || Base64Url.DecodeFromChars(token.AsSpan(dot + 1), signature, out _, out var signatureLength) != System.Buffers.OperationStatus.Done
            || signatureLength != HMACSHA256.HashSizeInBytes)
            return ProofOutcome.Malformed;
        payload = payload[..PayloadBytes];
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, payload, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, signature[..signatureLength])) return ProofOutcome.BadSignature;
        expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.Slice(1 + IdBytes, 8)));
        if (now >= expires) return ProofOutcome.Expired;
        if (LeadingZeroBits(token, nonce) < payload[^1]) return ProofOutcome.NotEnoughWork;
        id = Convert.ToHexStringLower(payload.Slice(1, IdBytes));
        return ProofOutcome.Passed;
    }

    /// <summary>The zero bits at the start of <c>SHA-256("{token}:{nonce}")</c>.</summary>
    public static int LeadingZeroBits(string token, string nonce)
    {
        var text = $"{token}:{nonce}";
        Span<byte> input = stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var length = Encoding.UTF8.GetBytes(text, input);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input[..length], hash);
        var bits = 0;
        foreach (var b in hash)
        {
            if (b == 0)
            {
                bits += 8;
                continue;
            }
            return bits + System.Numerics.BitOperations.LeadingZeroCount((uint)b) - 24;
        }
        return bits;
    }
}
