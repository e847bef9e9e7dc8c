namespace Platform.Allocations.Decisions;

/// <summary>
/// Which broker user publishes the review service's decisions (section <c>ReviewPublisher</c>). RabbitMQ checks a
/// message's AMQP <c>user_id</c> against the user of the connection that published it, so a decision carrying this
/// user id was published by the review service's account and by no other; anything else is refused before its
/// signature is even read. Production and compose use the <c>review</c> user of the broker definitions.
/// </summary>
public sealed class ReviewPublisherOptions
{
    public const string Section = "ReviewPublisher";

    public string UserId { get; set; } = "review";
}
