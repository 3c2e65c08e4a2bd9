using IrcStream.Api.State;

namespace IrcStream.Api.Connections;

/// <summary>
/// Puts in front of an endpoint about one connection the question where that connection is held
/// (<see cref="IGatewayState.LocateAsync"/>): when another node holds it, the request is carried out there and its
/// answer returned as it is; otherwise the endpoint answers it here.
/// </summary>
public static class OwnerForwardingFilter
{
    public static RouteHandlerBuilder WithOwnerForwarding(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilterFactory(static (factory, next) =>
        {
            var bodyIndex = factory.MethodInfo.GetParameters().ToList().FindIndex(p => p.ParameterType == typeof(LinesRequest) || p.ParameterType == typeof(UpdateConnectionRequest));
            return async context =>
            {
                var http = context.HttpContext;
                var id = (string)http.GetRouteValue("id")!;
                var place = await http.RequestServices.GetRequiredService<IGatewayState>().LocateAsync(http, id).ConfigureAwait(false);
                if (place.Owner is not { } owner) return await next(context).ConfigureAwait(false);
                return await owner.ForwardAsync(http, bodyIndex >= 0 ? context.Arguments[bodyIndex] : null).ConfigureAwait(false);
            };
        });
}
