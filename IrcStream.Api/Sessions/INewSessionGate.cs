namespace IrcStream.Api.Sessions;

/// <summary>Asked before a new session is made for a request: a refusal to answer instead (a banned address), or null to go on.</summary>
internal interface INewSessionGate
{
    ValueTask<IResult?> RefuseAsync(HttpContext http);
}
