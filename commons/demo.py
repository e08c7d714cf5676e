"""Demo content for `make run`: a few linked articles, each with a short history.

Each article is a list of revisions (editor, summary, text), oldest first, so a newcomer
sees history and diffs at once. One link, [[Tragedy of the commons]], is left red on purpose.
"""

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
