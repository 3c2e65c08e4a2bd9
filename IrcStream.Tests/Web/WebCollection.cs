using IrcStream.Tests.Support;

namespace IrcStream.Tests.Web;

/// <summary>The web tests share one Chromium and one InspIRCd; they run one after another to stay steady on two cores.</summary>
[CollectionDefinition("Web")]
public sealed class WebCollection : ICollectionFixture<BrowserFixture>, ICollectionFixture<InspircdFixture>;
