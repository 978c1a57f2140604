"""Synthetic sites for --learn and `clean learn`: folders of copies of the same few sites, each
page built from its article and the site's chrome, with every line labelled.

`python tests/learn_sites.py` writes them to fixtures/learn/ (tests/test_learn.py checks that
the committed files are what this module builds). Three sites:

- harbourgazette.example: 12 text copies with an "Original url:" line. A masthead, a navigation
  line and a weather box (numbers change), a section label (one of three), a plea inserted in
  the article whose wording rotates with the campaign (three campaigns, one with a counter), an
  author box per author, a "Latest from the Gazette" feed of the other pages' headlines, a
  newsletter box and a footer. Article lines that recur and must stay: a standard sentence on
  five pages between different paragraphs (a disclaimer), credit lines (K001), and page 12 is a
  second copy of page 3 (the same article scraped twice, with another feed).
- valleyvoice.example: 10 markdown copies with no URL (cleaned with --site): a skip link, a
  logo, a menu, a plea box with a reader counter in two wordings, share links, a "More from
  the valley" list and a two-line footer.
- northwind.example: 2 text copies: fewer than --learn-min-pages, nothing is learned.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "learn"


@dataclass
class Page:
    name: str
    lines: list[tuple[str, str]] = field(
        default_factory=list
    )  # (kind, text): article|debris|meta|blank

    def add(self, kind: str, *texts: str) -> None:
        for t in texts:
            self.lines.append((kind, t))

    def blank(self) -> None:
        self.lines.append(("blank", ""))

    @property
    def text(self) -> str:
        return "\n".join(t for _, t in self.lines) + "\n"

    def of(self, kind: str) -> list[str]:
        return [t for k, t in self.lines if k == kind]


# --- harbourgazette.example ---------------------------------------------------------------------

_HARBOUR_ARTICLES = [
    (
        "City council approves new ferry terminal after heated debate",
        "Maria Lopez",
        "March 3, 2025",
        "CITY HALL",
        [
            "The Port Ellis city council voted six to three on Monday night to approve a new ferry terminal on the north quay, ending two years of argument over its cost.",
            "Supporters said the terminal would bring more visitors to the old town, while opponents warned that the budget of 14 million pounds left no room for delays.",
            "Councillor Ruth Abara, who voted against the plan, said residents of Dock Road had not been consulted about the extra traffic.",
            "Construction is expected to begin in the autumn and to take about eighteen months, according to the harbour board.",
        ],
    ),
    (
        "Fishing crews report best herring season in a decade",
        "Daniel Price",
        "March 5, 2025",
        "HARBOUR",
        [
            "Crews landing at Port Ellis this winter brought in more herring than in any season since 2014, the fishermen's cooperative said on Wednesday.",
            "Skipper Alan Moss, who has fished out of the harbour for thirty years, credited colder water and a ban on trawling near the sandbanks.",
            "Prices at the morning auction fell slightly as the catch grew, but most boats still earned more than they did last year.",
            "The cooperative plans to use part of its surplus to repair the ice plant, which broke down twice in January.",
        ],
    ),
    (
        "Primary school roof to be replaced over the summer holidays",
        "Aisha Khan",
        "March 6, 2025",
        "SCHOOLS",
        [
            "The leaking roof of St Brendan's Primary School will be replaced during the summer holidays, the county education office confirmed on Thursday.",
            "Parents had complained for months about buckets in classrooms and a closed library after heavy rain in November.",
            "Head teacher Grace Mullen said pupils would not lose any teaching days because the work would finish before the new term.",
            "The county has set aside 380,000 pounds for the repairs, which will also add insulation and solar panels.",
        ],
    ),
    (
        "Harbour board names first woman to lead the port",
        "Maria Lopez",
        "March 8, 2025",
        "HARBOUR",
        [
            "The Port Ellis harbour board has appointed Niamh Carroll as harbour master, the first woman to hold the post in its 160-year history.",
            "Carroll, a former merchant navy officer, has worked as deputy harbour master since 2019 and oversaw the dredging of the inner basin.",
            "She said her first task would be to shorten waiting times for fishing boats at the fuel berth during the busy summer months.",
            "The board chose her from a shortlist of four candidates after interviews that lasted two days.",
        ],
    ),
    (
        "Residents fight plan to close the Dock Road library branch",
        "Daniel Price",
        "March 10, 2025",
        "CITY HALL",
        [
            "More than 900 residents have signed a petition against the closure of the Dock Road library branch, which the council says it can no longer afford.",
            "The branch lends about 12,000 books a year and runs a homework club that regulars say keeps teenagers off the streets after school.",
            "Council officials said the savings would protect opening hours at the central library, which is used by three times as many people.",
            "A final decision is due at the budget meeting in April, and campaigners plan to fill the public gallery.",
        ],
    ),
    (
        "Secondary pupils win national robotics contest",
        "Aisha Khan",
        "March 11, 2025",
        "SCHOOLS",
        [
            "A team of five pupils from Port Ellis Academy won the national schools robotics contest in Birmingham on Saturday, beating 42 other schools.",
            "Their robot, built mostly from parts of old washing machines, sorted coloured blocks faster than any other entry in the final round.",
            "Teacher Owen Hale said the team had practised every lunchtime since September and paid for the trip with a bake sale.",
            "The pupils will represent the country at a European contest in Lyon in June.",
        ],
    ),
    (
        "Storm damage closes the coastal path for a month",
        "Maria Lopez",
        "March 13, 2025",
        "HARBOUR",
        [
            "The coastal path between Port Ellis and Carrig Head will stay closed for at least a month after last week's storm brought down part of the cliff.",
            "Engineers from the county council found cracks along a 200-metre stretch above the old lime kilns and said it was too dangerous to walk.",
            "Walkers have been asked to use the inland lane through Ballin farm, which adds about two kilometres to the route.",
            "Businesses in Carrig said the closure came at the worst time, just before the Easter holidays.",
        ],
    ),
    (
        "Council budget freezes rates but cuts road repairs",
        "Daniel Price",
        "March 14, 2025",
        "CITY HALL",
        [
            "The council's draft budget for next year freezes business rates for the third year running but cuts the road repair fund by a fifth.",
            "Finance chief Colm Brady said the freeze would help shops on Main Street that are still recovering from the closure of the bank branch.",
            "Opposition councillors said the cuts would leave potholes on rural roads unfilled for another winter.",
            "The budget will be put to a vote on April 2 after a two-week consultation with residents.",
        ],
    ),
    (
        "New teacher training course opens at the technical college",
        "Aisha Khan",
        "March 16, 2025",
        "SCHOOLS",
        [
            "Port Ellis Technical College will offer a teacher training course from September, the first in the county outside the university towns.",
            "The two-year course will take forty students and is aimed at adults who want to change careers and teach science or maths.",
            "College principal Meera Shah said local schools had struggled to fill science posts for years, with some classes taught by supply staff.",
            "Applications open next month, and students will train in schools across the county from their first term.",
        ],
    ),
    (
        "Lifeboat crew rescues two kayakers off Carrig Head",
        "Maria Lopez",
        "March 18, 2025",
        "HARBOUR",
        [
            "The Port Ellis lifeboat rescued two kayakers on Sunday afternoon after strong winds pushed them away from the shore near Carrig Head.",
            "The pair, both in their twenties, had set out from the beach at Ballin and were spotted by a walker who called the coastguard.",
            "Coxswain Pat Doyle said the kayakers were cold but unhurt, and had done the right thing by staying with their boats.",
            "It was the crew's ninth call-out this year, more than in the whole of the first half of last year.",
        ],
    ),
    (
        "Parking charges on the seafront to rise in May",
        "Daniel Price",
        "March 20, 2025",
        "CITY HALL",
        [
            "Parking on the Port Ellis seafront will cost two pounds an hour from May, up from one pound fifty, under plans approved by the council.",
            "The council said the extra money would pay for new bins and lighting along the promenade, which traders have asked for since 2022.",
            "The chamber of commerce warned that day visitors might drive on to Carrig instead, where parking is still free.",
            "Residents with permits will not be affected by the change.",
        ],
    ),
]

_HARBOUR_AUTHORS = {
    "Maria Lopez": "Maria Lopez covers city hall and the harbour board for the Gazette. She joined the paper in 2019 after a decade at the Coast Tribune.",
    "Daniel Price": "Daniel Price reports on local politics and the council budget. Before the Gazette he worked as a parliamentary researcher in London.",
    "Aisha Khan": "Aisha Khan is the Gazette's education reporter. She writes about schools, colleges and the families who depend on them.",
}

_HARBOUR_PLEAS = [
    (
        "The Gazette is reader-funded.",
        "Every story you read here is paid for by neighbours like you. Chip in what you can this spring.",
    ),
    (
        "Keep the Gazette on the quay.",
        "Local reporting costs money, and readers cover most of it. Give before the end of the month.",
    ),
    (
        "Our spring drive: {n} of 500 members so far",
        "Help us reach our goal and keep every story on this site free to read for everyone in town.",
    ),
]

_DISCLAIMER = "Figures in this story were provided by the Port Ellis Harbour Authority and could not be independently verified."


def _slug(title: str) -> str:
    return "-".join(w.lower().strip(",'") for w in title.split()[:5])


def harbour_pages() -> list[Page]:
    articles = list(_HARBOUR_ARTICLES)
    articles.append(_HARBOUR_ARTICLES[2])  # page 12: the same article scraped a second time
    pages = []
    titles = [a[0] for a in _HARBOUR_ARTICLES]
    for k, (title, author, date, section, paras) in enumerate(articles):
        page = Page(f"{k + 1:02d}-{_slug(title)}.txt")
        page.add("meta", f"Original url: https://harbourgazette.example/2025/03/{_slug(title)}")
        page.blank()
        page.add("debris", "Skip to content", "Harbour Gazette")
        page.add("debris", "News | Harbour | City Hall | Schools | Opinion | Obituaries")
        page.add("debris", f"Port Ellis: {8 + k % 5}°C, {['light rain', 'cloudy', 'sunny'][k % 3]}")
        page.blank()
        page.add("debris", section)
        page.add("article", title)
        page.add("meta", f"By {author} · {date}")
        page.blank()
        plea = _HARBOUR_PLEAS[k % 3]
        body = list(paras)
        for j, para in enumerate(body):
            page.add("article", para)
            page.blank()
            if j == 1:  # the plea box sits after the second paragraph
                page.add("debris", plea[0].format(n=300 + 7 * k), plea[1])
                page.blank()
            if k in (1, 3, 6, 9, 11) and j == (k % 2) + 1:
                page.add("article", _DISCLAIMER)
                page.blank()
        if k % 4 == 0:
            page.add("article", "With reporting by Sam Okafor.")
            page.blank()
        page.add("debris", "About the author", _HARBOUR_AUTHORS[author])
        page.blank()
        page.add("debris", "Latest from the Gazette")
        shown = k if k < len(titles) else 0
        for t in (titles[(shown + d) % len(titles)] for d in (1, 2, 3)):
            page.add("debris", t)
        page.blank()
        page.add("debris", "The Morning Tide", "Our free newsletter, in your inbox at 6 a.m.")
        page.blank()
        page.add("debris", "Harbour Gazette · 14 Quay Street, Port Ellis")
        page.add("debris", "About us | Contact | Advertise | Corrections")
        page.add("debris", "Tips? Write to newsroom@harbourgazette.example")
        pages.append(page)
    return pages


# --- valleyvoice.example ------------------------------------------------------------------------

_VALLEY_ARTICLES = [
    (
        "Dairy farmers weigh a shared milk lorry",
        "Tom Reyes",
        "12 February 2025",
        [
            "Six dairy farms in the upper valley are discussing whether to share one milk lorry, after the creamery in Arden raised its collection fee.",
            "Farmer Jo Wendt said the new fee would cost her about 3,000 pounds a year, more than she earns from her smallest herd.",
            "The farms would take turns to drive the lorry, which they hope to buy second-hand from a cooperative in the next county.",
        ],
    ),
    (
        "Bridge at Millford reopens after flood repairs",
        "Lena Ortiz",
        "14 February 2025",
        [
            "The stone bridge at Millford reopened to traffic on Friday, four months after floodwater washed away part of its eastern arch.",
            "Drivers had faced a twenty-minute detour through Arden, and the village shop said its takings fell by half while the bridge was shut.",
            "Engineers rebuilt the arch with the original stones, which divers recovered from the riverbed in November.",
        ],
    ),
    (
        "Valley bus route saved by volunteer drivers",
        "Tom Reyes",
        "17 February 2025",
        [
            "The weekly bus from Harrow End to the market town will keep running after eleven volunteers signed up to drive it.",
            "The county had planned to drop the route in April because the contractor could no longer find paid drivers for it.",
            "Retired teacher Bill Okonjo, one of the volunteers, said older people in the hamlets would otherwise be cut off from the doctor and the bank.",
        ],
    ),
    (
        "Orchard festival returns after a two-year break",
        "Priya Nair",
        "19 February 2025",
        [
            "The Arden orchard festival will return in September after two years in which rain and a lack of volunteers kept it cancelled.",
            "Organisers expect about 4,000 visitors for cider tasting, apple pressing and a parade of the valley's old tractors.",
            "The parish council has agreed to lend the field behind the church, which drains better than the old site by the river.",
        ],
    ),
    (
        "Broadband mast approved on Sheep Hill",
        "Lena Ortiz",
        "21 February 2025",
        [
            "Planners have approved a broadband mast on Sheep Hill that should bring fast internet to about 300 homes in the upper valley.",
            "Some residents objected that the mast would spoil the view from the old drove road, a popular walk in summer.",
            "The operator said it would paint the mast green and plant trees around its base to hide the equipment cabin.",
        ],
    ),
    (
        "Young farmers club doubles its membership",
        "Priya Nair",
        "24 February 2025",
        [
            "The upper valley young farmers club now has 64 members, twice as many as two years ago, after it started holding evening skills classes.",
            "Classes in welding, sheep shearing and farm accounts have drawn teenagers from the market town as well as from farming families.",
            "Club chair Ellie Brandt said the group would use a lottery grant to buy a second-hand tractor for driving lessons.",
        ],
    ),
    (
        "River trust counts the return of otters",
        "Tom Reyes",
        "26 February 2025",
        [
            "Volunteers from the valley river trust recorded otter tracks at nine of twelve survey points this winter, up from two points five years ago.",
            "The trust credits fencing along the banks, which keeps cattle out of the water and lets reeds and willows grow back.",
            "It plans to train more volunteers to run the survey in spring, when the tracks are easier to find in the mud.",
        ],
    ),
    (
        "Village hall roof fund reaches its target",
        "Lena Ortiz",
        "28 February 2025",
        [
            "The Harrow End village hall has raised the 48,000 pounds it needed for a new roof, after a concert by the valley choir brought in the last 2,000.",
            "The hall committee said work would start in May, and the hall would stay open for the playgroup and the Tuesday lunch club.",
            "Committee treasurer Martin Fell thanked the hundreds of residents who gave money, baked cakes or ran raffles over three years.",
        ],
    ),
    (
        "Sheep rustling reported on the high pastures",
        "Priya Nair",
        "3 March 2025",
        [
            "Police are investigating the theft of about eighty ewes from the high pastures above Millford, the third such theft in the valley this winter.",
            "Farmer Owen Tate said the thieves must have used dogs and a lorry, because the sheep were taken from a field far from any road.",
            "Officers have asked drivers who saw a livestock lorry on the drove road late at night to contact them.",
        ],
    ),
]

_VALLEY_PLEAS = [
    "> **Valley Voice is free because {n} readers pay for it.** [Become one of them](/join)",
    "> **{n} neighbours keep Valley Voice going.** [Add your name](/join)",
]


def valley_pages() -> list[Page]:
    titles = [a[0] for a in _VALLEY_ARTICLES]
    pages = []
    articles = [*_VALLEY_ARTICLES, _VALLEY_ARTICLES[4]]  # page 10: page 5 again
    for k, (title, author, date, paras) in enumerate(articles):
        page = Page(f"{k + 1:02d}-{_slug(title)}.md")
        page.add("debris", "[Skip to main content](#main)")
        page.blank()
        page.add("debris", "![Valley Voice](/img/logo.svg)")
        page.blank()
        page.add("debris", "* [News](/news)", "* [Farming](/farming)", "* [Outdoors](/outdoors)")
        page.add("debris", "* [Events](/events)")
        page.blank()
        page.add("article", f"# {title}")
        page.blank()
        page.add("meta", f"by [{author}](/authors/{author.split()[0].lower()}) — {date}")
        page.blank()
        for j, para in enumerate(paras):
            page.add("article", para)
            page.blank()
            if j == 0:
                page.add("debris", _VALLEY_PLEAS[k % 2].format(n=f"{1150 + 13 * k:,}"))
                page.blank()
        page.add("debris", "Share: [Facebook](#) [X](#) [Email](#)")
        page.blank()
        page.add("debris", "## More from the valley")
        page.blank()
        shown = k if k < len(titles) else 4
        for t in (titles[(shown + d) % len(titles)] for d in (1, 2, 3)):
            page.add("debris", f"* [{t}](/{_slug(t)})")
        page.blank()
        page.add(
            "debris",
            "Valley Voice is published by the Upper Valley Press Cooperative, a member-owned nonprofit newsroom.",
        )
        page.add("debris", "[Privacy](/privacy) · [Terms](/terms) · [Contact](/contact)")
        pages.append(page)
    return pages


def northwind_pages() -> list[Page]:
    pages = []
    stories = [
        (
            "Northwind ferry timetable changes for spring",
            "The spring ferry timetable starts on April 1, with an extra sailing on Fridays and a later last boat on Saturdays.",
            "The ferry company said the extra sailing was added after complaints from islanders who work on the mainland.",
        ),
        (
            "Island shop gets a new owner",
            "The only shop on the island has been bought by a couple from the mainland who plan to keep it open all year round.",
            "They plan to add a small cafe in the back room, where the post office counter used to be.",
        ),
    ]
    for k, (title, para, para2) in enumerate(stories):
        page = Page(f"{k + 1:02d}-{_slug(title)}.txt")
        page.add("meta", f"Original url: https://northwind.example/news/{_slug(title)}")
        page.blank()
        page.add("debris", "Northwind Islander | Home | News | Ferries")
        page.add("article", title)
        page.blank()
        page.add("article", para)
        page.blank()
        page.add("debris", "Ferry alerts by text: send FERRY to 50505")
        page.blank()
        page.add("article", para2)
        page.blank()
        page.add("debris", "Northwind Islander · Pier Road")
        pages.append(page)
    return pages


SITES = {
    "harbourgazette.example": harbour_pages,
    "valleyvoice.example": valley_pages,
    "northwind.example": northwind_pages,
}


def build() -> dict[str, list[Page]]:
    return {site: make() for site, make in SITES.items()}


def write(root: Path = ROOT) -> None:
    for site, pages in build().items():
        folder = root / site
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for page in pages:
            (folder / page.name).write_text(page.text, encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
    print(json.dumps({s: len(p) for s, p in build().items()}))
