"""Demo content for `make run`: a few linked articles, each with a short history, and
their discussions.

Each article is a list of revisions (editor, summary, text), oldest first, so a newcomer
sees history and diffs at once. One link, [[Tragedy of the commons]], is left red on purpose.
The discussions show threads and replies by editors and by anonymous visitors, a removed
comment whose replies stay in place, and one visitor's comment held for a moderator.
"""

from dataclasses import dataclass

MAIN_PAGE = [
    (
        "ada",
        "A first main page",
        """Welcome to **Commons**, a wiki about the commons: resources that communities
make, share and look after together.

Start with [[Commons-based peer production]] or [[Co-creation of value]].
""",
    ),
    (
        "ben",
        "List the articles and say how to help",
        """Welcome to **Commons**, a wiki about the commons: resources that communities
make, share and look after together.

## Start here

- [[Commons-based peer production]]: how strangers build things like encyclopedias
  and operating systems without a firm or a market directing them.
- [[Co-creation of value]]: when the people who use something help make it.
- [[Ostrom's design principles]]: what long-lived commons have in common.
- [[Free software]]: the commons that runs most of the internet.

## How to help

Anyone can improve an article: open it, choose **Edit**, and save. Every change is
kept, and any change can be seen and undone from the article's **History**.
""",
    ),
    (
        "ada",
        "Mention the wanted article",
        """Welcome to **Commons**, a wiki about the commons: resources that communities
make, share and look after together.

## Start here

- [[Commons-based peer production]]: how strangers build things like encyclopedias
  and operating systems without a firm or a market directing them.
- [[Co-creation of value]]: when the people who use something help make it.
- [[Ostrom's design principles]]: what long-lived commons have in common.
- [[Free software]]: the commons that runs most of the internet.

A red link, like [[Tragedy of the commons]], is an article nobody has written yet.
Follow it to write it.

## How to help

Anyone can improve an article: open it, choose **Edit**, and save. Every change is
kept, and any change can be seen and undone from the article's **History**.
""",
    ),
]

PEER_PRODUCTION = [
    (
        "ben",
        "Stub",
        """**Commons-based peer production** is a way of making things in which many
people, mostly volunteers, work together on a shared resource.
""",
    ),
    (
        "ada",
        "Origins and examples",
        """**Commons-based peer production** (CBPP) is a way of making things in which
many people, mostly volunteers, work together on a shared resource that no one owns
exclusively.

## Origins

The term was coined by the legal scholar Yochai Benkler in 2002, to explain how
projects such as [[Free software]] and online encyclopedias could outperform firms
without prices or managers telling anyone what to do.

## Examples

| Project | What is shared | Since |
|:--------|:---------------|------:|
| Linux | an operating system kernel | 1991 |
| Wikipedia | an encyclopedia | 2001 |
| OpenStreetMap | a map of the world | 2004 |

## How it works

Work is split into small pieces (*modularity*), so that anyone can contribute a
little (*granularity*), and the cost of putting the pieces together is low
(*integration*).[^benkler]

[^benkler]: Benkler, Y. (2002). *Coase's Penguin, or, Linux and the Nature of the Firm*.
""",
    ),
    (
        "carla",
        "Link related ideas",
        """**Commons-based peer production** (CBPP) is a way of making things in which
many people, mostly volunteers, work together on a shared resource that no one owns
exclusively.

## Origins

The term was coined by the legal scholar Yochai Benkler in 2002, to explain how
projects such as [[Free software]] and online encyclopedias could outperform firms
without prices or managers telling anyone what to do.

## Examples

| Project | What is shared | Since |
|:--------|:---------------|------:|
| Linux | an operating system kernel | 1991 |
| Wikipedia | an encyclopedia | 2001 |
| OpenStreetMap | a map of the world | 2004 |

## How it works

Work is split into small pieces (*modularity*), so that anyone can contribute a
little (*granularity*), and the cost of putting the pieces together is low
(*integration*).[^benkler]

Communities that last tend to follow [[Ostrom's design principles]], even when
nobody planned it; and the users of what is made often shape it, a case of
[[Co-creation of value|co-creation]].

[^benkler]: Benkler, Y. (2002). *Coase's Penguin, or, Linux and the Nature of the Firm*.
""",
    ),
]

CO_CREATION = [
    (
        "carla",
        "New article",
        """**Co-creation of value** is the idea that value is not made by a producer and
handed to a consumer, but made together by both.
""",
    ),
    (
        "ben",
        "Add where the idea comes from and what it looks like",
        """**Co-creation of value** is the idea that value is not made by a producer and
handed to a consumer, but made together by both, in use.

## Where the idea comes from

C. K. Prahalad and Venkat Ramaswamy described it in 2004: customers who help design,
test and explain a product are part of making it valuable.

## In a commons

In [[Commons-based peer production]] the line between producer and user disappears:
the people who read the encyclopedia also write it.

Term
:   Co-creation
Opposite
:   Value chain, where each step hands value to the next
""",
    ),
]

OSTROM = [
    (
        "ada",
        "The eight principles",
        """Elinor Ostrom studied fisheries, forests and irrigation systems that
communities had governed well for centuries, and found eight things they shared.

1. Clearly defined boundaries
2. Rules that fit local conditions
3. Those affected by the rules can change them
4. Monitoring by people accountable to the users
5. Graduated sanctions
6. Cheap and quick conflict resolution
7. The right to organize is recognized by outside authorities
8. Nested enterprises for larger systems
""",
    ),
    (
        "carla",
        "Apply to wikis",
        """Elinor Ostrom studied fisheries, forests and irrigation systems that
communities had governed well for centuries, and found eight things they shared. She
received the Nobel prize in economics for this work in 2009.

1. Clearly defined boundaries
2. Rules that fit local conditions
3. Those affected by the rules can change them
4. Monitoring by people accountable to the users
5. Graduated sanctions
6. Cheap and quick conflict resolution
7. The right to organize is recognized by outside authorities
8. Nested enterprises for larger systems

## On a wiki

A wiki applies several of them at once: anyone can see every change (monitoring),
edits can be undone in a click (cheap conflict resolution), and moderators start
with a warning before a lock (graduated sanctions). See [[Commons-based peer production]].
""",
    ),
]

FREE_SOFTWARE = [
    (
        "ben",
        "New article",
        """**Free software** is software that anyone may run, study, change and share.
""",
    ),
    (
        "ada",
        "The four freedoms, and an example",
        """**Free software** is software that anyone may run, study, change and share.
These are the *four freedoms* written down by the Free Software Foundation in 1986.

Sharing the source code is what makes it a commons: every improvement can flow back
to everyone. A small example, in Python:

```python
def share(improvement, commons):
    commons.append(improvement)
    return commons
```

It is the oldest large example of [[Commons-based peer production]].
""",
    ),
]

ARTICLES = [
    ("Main Page", MAIN_PAGE),
    ("Commons-based peer production", PEER_PRODUCTION),
    ("Co-creation of value", CO_CREATION),
    ("Ostrom's design principles", OSTROM),
    ("Free software", FREE_SOFTWARE),
]

EDITORS = ["ada", "ben", "carla"]

MODERATOR = "moderator"

# Known to everyone who reads the README: seed_demo refuses to run with DEBUG off.
DEMO_PASSWORD = "commons-demo"  # noqa: S105 - published on purpose, DEBUG only


@dataclass(frozen=True)
class DemoComment:
    """A comment and its replies. `author` is a demo account, or, with `email` set, the
    name of an anonymous visitor (the e-mail is never shown)."""

    author: str
    body: str
    replies: tuple["DemoComment", ...] = ()
    email: str = ""
    removed: bool = False  # removed by the demo moderator once its replies are written
    held: bool = False  # left awaiting moderation: the one item in the moderators' queue


DISCUSSIONS = {
    "Main Page": (
        DemoComment(
            "ada",
            "Welcome! If you are new here, the **History** tab of any article shows who "
            "changed what, and lets you compare any two revisions.",
            replies=(
                DemoComment(
                    "Priya",
                    "How do I link to another article? I guessed `[[Free software]]` and it "
                    "seems to work.",
                    email="priya@example.com",
                    replies=(
                        DemoComment(
                            "carla",
                            "That is it: double square brackets around the title. A link "
                            "to an article nobody has written yet shows in red.",
                        ),
                    ),
                ),
                DemoComment("ben", "The diff view is my favourite part of the whole site."),
            ),
        ),
        DemoComment(
            "carla",
            "Should we write [[Tragedy of the commons]]? It is the idea most people have heard of.",
            replies=(
                DemoComment(
                    "ben",
                    "Yes, and it should say what Ostrom found: the tragedy is not inevitable.",
                    replies=(
                        DemoComment(
                            "ada",
                            "Agreed. I can start it this week, if nobody beats me to it.",
                        ),
                    ),
                ),
            ),
        ),
    ),
    "Commons-based peer production": (
        DemoComment(
            "Jo",
            "This article is nonsense, and so is everyone who wrote it.",
            email="jo@example.com",
            removed=True,
            replies=(
                DemoComment(
                    "ada",
                    "Which part do you disagree with? The sources are in the footnote.",
                ),
                DemoComment(
                    "ben",
                    "The examples table lists projects anyone can check for themselves.",
                ),
            ),
        ),
        DemoComment(
            "ada",
            "The table could use a column for how many people contribute to each project.",
            replies=(
                DemoComment(
                    "carla",
                    "Those numbers change fast; a link to each project's own statistics "
                    "would stay true longer.",
                ),
            ),
        ),
    ),
    "Co-creation of value": (
        DemoComment(
            "Priya",
            "Is co-creation the same thing as crowdsourcing?",
            email="priya@example.com",
            replies=(
                DemoComment(
                    "ben",
                    "Close, but not quite: crowdsourcing is a firm asking a crowd for work; "
                    "co-creation is about value that is made *in use*, by both sides.",
                    replies=(
                        DemoComment(
                            "Priya",
                            "Thank you, that makes the difference clear.",
                            email="priya@example.com",
                        ),
                    ),
                ),
            ),
        ),
    ),
    "Ostrom's design principles": (
        DemoComment(
            "ben",
            "Principle 4 is the one wikis do best: every change is public.",
            replies=(
                DemoComment(
                    MODERATOR,
                    "And principle 5 is what moderators try here: a word first, a lock "
                    "only when nothing else works.",
                ),
            ),
        ),
    ),
    "Free software": (
        DemoComment(
            "Alex",
            "Is open source the same as free software? I always took them for two names "
            "for one idea.",
            email="alex@example.org",
            held=True,
        ),
    ),
}
