"""Name tables for the synthetic person-matching corpus (benchmarks/matching_corpus.py), and the drawing of names.

Each list runs from the most common name to the least common, and names are drawn with heavy-tailed, Zipf-like
weights by their place in the list. All names are ordinary, widely used names; no person is described.
"""


import random
from bisect import bisect
from functools import cache
from itertools import accumulate


def _words(text: str) -> tuple[str, ...]:
    """The names in a space-separated list."""
    return tuple(text.split())


# Origins and their share of households.
ORIGINS = {
    "british": 66, "south_asian": 12, "eastern_european": 6, "west_african": 5, "caribbean": 4, "arabic": 4,
    "chinese": 3,
}

GIVEN_FEMALE = {
    "british_young": _words(
        "Olivia Amelia Isla Ava Lily Freya Mia Ella Grace Sophia Evie Poppy Isabella Charlotte Sophie Daisy Ivy "
        "Florence Willow Rosie Millie Phoebe Evelyn Sienna Ruby Alice Harper Matilda Emily Isabelle Elsie Esme Erin "
        "Maisie Ada Layla Luna Emilia Eliza Bonnie Hallie Lola Maya Aria Darcie Thea Imogen Arabella Mila Holly "
        "Violet Orla Nancy Lucy Scarlett Jessica Chloe Megan Amber Lacey Katie Abigail Hannah Eleanor Georgia Niamh "
        "Summer Robyn Bethany Leah Lila Lyla Ellie Elizabeth Katherine Lea Ana Lisa"
    ),
    "british_older": _words(
        "Sarah Emma Laura Claire Rebecca Gemma Nicola Kelly Lisa Michelle Amy Rachel Hayley Samantha Stacey Victoria "
        "Charlotte Jennifer Karen Joanne Donna Tracey Louise Helen Catherine Natalie Jade Kerry Leanne Danielle Zoe "
        "Jessica Lauren Kirsty Katie Hannah Emily Stephanie Sophie Lucy Amanda Angela Julie Susan Deborah Alison "
        "Paula Dawn Wendy Jacqueline Carol Margaret Patricia Linda Elizabeth Jane Mary Anne Ann Christine Sandra "
        "Janet Sharon Katherine Kathryn Catriona Rosemary Jean Joan Pauline Denise Theresa Maureen Brenda Eileen "
        "Barbara Shirley Irene Josephine Lorraine Siobhan Bernadette Kayleigh Chelsea Shannon Toni"
    ),
    "south_asian": _words(
        "Aisha Fatima Maryam Zainab Ayesha Amina Hafsa Khadija Sana Noor Zara Inaya Anaya Aleena Alisha Hana Safa "
        "Samina Nasreen Shazia Rukhsana Farzana Shabana Razia Nazia Parveen Yasmin Sadia Tahmina Rumana Shirin "
        "Sumaiya Priya Anjali Pooja Neha Kavita Sunita Asha Meera Simran Harpreet Jaspreet Manpreet Gurpreet Amrit "
        "Navdeep"
    ),
    "eastern_european": _words(
        "Zofia Julia Maja Lena Hanna Amelia Natalia Oliwia Wiktoria Aleksandra Agnieszka Katarzyna Magdalena Anna "
        "Joanna Monika Ewa Marta Karolina Dorota Beata Justyna Paulina Alicja Ioana Elena Andreea Daria Irina Olga"
    ),
    "west_african": _words(
        "Blessing Favour Precious Grace Esther Chioma Ngozi Adaeze Amara Adanna Funmilayo Folake Abimbola Temitope "
        "Oluwaseun Ayomide Ife Zainab Fatoumata Mariama Aminata Efua Akosua Ama Abena Yaa"
    ),
    "caribbean": _words(
        "Shanice Tianna Keisha Aaliyah Jada Nia Kiara Tia Shantelle Latoya Marcia Beverley Sonia Paulette Yvonne "
        "Hyacinth Precious Destiny Jasmine Chantelle"
    ),
    "arabic": _words(
        "Maryam Fatima Aisha Layla Noor Sara Hala Rania Yasmin Leila Amira Huda Rana Salma Mona Dina Reem Lina Nadia "
        "Jana"
    ),
    "chinese": _words(
        "Mei Ling Xiu Ying Li Na Hui Jing Yan Wen Fang Lan Xin Yi Ting Jia Min"
    ),
}

GIVEN_MALE = {
    "british_young": _words(
        "Oliver George Noah Arthur Muhammad Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie Theo Alfie "
        "Jacob Thomas Finley Arlo William Lucas Roman Tommy Isaac Teddy Alexander Luca Edward James Joshua Albert Max "
        "Mason Sonny Ethan Reuben Harrison Elijah Logan Rory Louie Jude Ronnie Hugo Dylan Riley Frankie Toby Ezra "
        "Tyler Liam Ryan Kai Jayden Callum Kian Alex Ben Sam Will Joe Dan Bobby Billy Ollie Alfred Stanley Louis Ted"
    ),
    "british_older": _words(
        "David Paul Mark Andrew Michael John James Richard Stephen Christopher Robert Daniel Matthew Simon Lee Craig "
        "Darren Jason Gary Ian Neil Wayne Dean Scott Carl Kevin Anthony Peter Stuart Martin Steven Adam Jamie Ryan "
        "Thomas Ashley Luke Benjamin Samuel Nathan Jonathan Philip Graham Alan Brian Keith Colin Barry Trevor Derek "
        "Kenneth Raymond Roy Terence Dennis Geoffrey Malcolm Gordon Patrick Sean Declan Kieran Liam William Edward "
        "Joseph Francis Gareth Rhys Dafydd Owen Connor Shaun Lewis Jordan Bradley Kyle Aaron Danny Mike Steve Tony "
        "Jim"
    ),
    "south_asian": _words(
        "Muhammad Mohammed Mohammad Ali Ahmed Hamza Yusuf Ibrahim Zakariya Ayaan Rayyan Musa Abdullah Omar Hassan "
        "Hussain Imran Asif Tariq Zahid Shahid Nadeem Kamran Faisal Arif Rashid Abdul Rahim Karim Aziz Mizanur "
        "Shafiqur Rajesh Sanjay Amit Vijay Arjun Rohan Aarav Vihaan Harjit Gurpreet Jaswinder Sukhdev Ranjit Harpal "
        "Mandeep Kulwinder"
    ),
    "eastern_european": _words(
        "Jakub Jan Antoni Szymon Filip Kacper Mateusz Michal Piotr Tomasz Krzysztof Pawel Marcin Lukasz Grzegorz Adam "
        "Aleksander Dawid Kamil Bartosz Wojciech Andrzej Marek Rafal Ionut Andrei Mihai Vasile Dmitri Oleksandr"
    ),
    "west_african": _words(
        "Emmanuel Samuel David Daniel Joshua Victor Chidi Chinedu Obinna Emeka Ikenna Tunde Olumide Oluwaseun Ayodele "
        "Babatunde Segun Femi Kwame Kofi Kwabena Yaw Kojo Mamadou Ibrahim Moussa"
    ),
    "caribbean": _words(
        "Marcus Tyrone Jermaine Andre Dwayne Delroy Winston Desmond Lloyd Clive Errol Leon Kareem Jamal Trevor Devon "
        "Shane Omari Rashad Kenroy"
    ),
    "arabic": _words(
        "Mohammed Ahmed Omar Ali Hassan Youssef Khalid Ibrahim Mahmoud Tariq Karim Samir Adam Yahya Amir Rami Hamza "
        "Mustafa Bilal Zaid"
    ),
    "chinese": _words(
        "Wei Jun Hao Ming Jian Lei Tao Bo Yong Feng Chen Long Hui Kai Peng Qiang Zhi Bin"
    ),
}

# Second parts of multi-word and hyphenated given names ("Lily Rose", "Anne-Marie", "Tommy-Lee").
SECOND_FEMALE = _words("Rose Mae May Jane Marie Louise Grace Ann Anne Jo Leigh Lou Belle")
SECOND_MALE = _words("James John Lee Jay Paul Ray Junior Rhys Lewis Louis")

FAMILY = {
    "british": _words(
        "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker "
        "White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris "
        "Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett "
        "Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards "
        "Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray "
        "Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker "
        "Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews "
        "Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley "
        "Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes "
        "Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone "
        "Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean "
        "Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long Freeman "
        "Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins O'Connor Harper Coleman "
        "Watkins Moss McCarthy Chambers O'Neill Griffin Sharp Hardy Wheeler Potter Osborne Johnston Gordon Doyle "
        "Wallace George Jordan Hutchinson Rowe Burke May Pritchard Gilbert Willis Higgins Read Miles Stevenson "
        "Stephenson Hammond Arnold Buckley Walters Hewitt Barber Nelson Slater Austin Sullivan Whitehead Mann Frost "
        "Lambert Stephens Blake Akhtar Lynch Goodwin Barton Woodward Thomson Cunningham Quinn Barnett Baxter Bibi "
        "Clayton Nash Greenwood Jennings Holt Kemp Poole Gallagher Bond Stokes Tucker Davidson Fowler Heath Norman "
        "Middleton Lawson Banks French Stanley Jarvis Gibbs Ferguson Hayward Carroll Douglas Dickinson Todd Barlow "
        "Peters Lucas Knowles Hartley Miah Simmons Morton Alexander Field Morrison Norris Townsend Preston Hancock "
        "Thornton Baldwin Burrows Briggs Storey Pope Howell Brennan O'Sullivan Fitzgerald Mahmood Hussein McLean "
        "McKenzie MacDonald Fraser Duffy D'Souza O'Donnell O'Reilly Fernandes D'Silva Ashworth Brindley Entwistle "
        "Greenhalgh Sowerby Thistlethwaite Ormerod Illingworth Pickersgill Womersley"
    ),
    "south_asian": _words(
        "Khan Begum Hussain Ali Ahmed Patel Singh Kaur Akhtar Bibi Shah Mahmood Iqbal Rahman Miah Uddin Islam Hossain "
        "Chowdhury Ahmad Aslam Bashir Rashid Mohammed Butt Malik Sheikh Qureshi Javed Hanif Rehman Anwar Nawaz Aziz "
        "Raza Sharma Kumar Gupta Mistry Parmar Chauhan Desai Joshi Mehta Sandhu Gill Dhillon Bains Sidhu Choudhury "
        "Haque Karim Sultana Khatun Nessa Yasmin"
    ),
    "eastern_european": _words(
        "Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski Szymanski Wozniak Dabrowski "
        "Kozlowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Nowakowski Pawlowski Michalski Adamczyk "
        "Dudek Zajac Wieczorek Jablonski Krol Majewski Olszewski Popescu Ionescu Popa Dumitru Stan Horvath Novak "
        "Petrov Ivanov Kovalenko Shevchenko Balcerzak"
    ),
    "west_african": _words(
        "Okafor Okeke Adeyemi Adebayo Okonkwo Eze Nwosu Ogunleye Oladipo Olawale Ibrahim Bello Abubakar Mensah "
        "Boateng Asante Owusu Osei Appiah Agyeman Danso Amoah Diallo Bah Conteh Kamara Sesay Koroma Jalloh Mbah "
        "Chukwu Nwachukwu Afolabi Akinola Balogun"
    ),
    "arabic": _words(
        "Mohamed Ahmed Hassan Ali Ibrahim Abdullah Mahmoud Saleh Osman Yousef Mansour Haddad Khalil Nasser Hamad "
        "Farah Abdi Hussein Omar Said Aziz Salem Darwish Karam"
    ),
    "chinese": _words(
        "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Zheng Liang Xie Tang Wong "
        "Cheung Chan Lam Leung Ng Ho Yip"
    ),
}

# The rare tail of British family names: place-name compounds such as "Ashford" and "Brookworth".
TAIL_PREFIXES = _words(
    "Ash Brad Brook Black Bram Crom Dal Eden Fair Fen Gold Hal Hart Hazel Holl Kirk Lang Lind Marl Mill Nor Ox Pen "
    "Red Ridg Rock Rush Sand Shel Stan Thorn Wake Wal West Whit Wild Win Wold Wych"
)
TAIL_SUFFIXES = _words(
    "ford worth ley ton field by well combe den ham hurst stead wick shaw croft more dale thwaite bury"
)

# Given names and their short forms or other spellings: each group's names are typed for one another.
NICKNAMES = (
    ("William", "Bill", "Billy", "Will", "Liam", "Willie"),
    ("Elizabeth", "Liz", "Lizzie", "Beth", "Betty", "Eliza", "Lisa"),
    ("Katherine", "Catherine", "Kathryn", "Kate", "Katie", "Cathy", "Kat"),
    ("Mohammed", "Muhammad", "Mohammad", "Mohamed", "Muhammed"),
    ("Aleksander", "Alexander", "Alex", "Aleks", "Olek"),
    ("Robert", "Rob", "Bob", "Bobby", "Robbie"),
    ("Richard", "Rich", "Rick", "Dick", "Richie"),
    ("James", "Jim", "Jimmy", "Jamie"),
    ("Michael", "Mike", "Mick", "Mikey", "Michal"),
    ("Thomas", "Tom", "Tommy"),
    ("Christopher", "Chris", "Kit"),
    ("Daniel", "Dan", "Danny"),
    ("Matthew", "Matt", "Mateusz"),
    ("Samuel", "Sam", "Sammy"),
    ("Benjamin", "Ben", "Benny"),
    ("Joseph", "Joe", "Joey"),
    ("Anthony", "Tony", "Ant"),
    ("Stephen", "Steven", "Steve"),
    ("Edward", "Ed", "Eddie", "Ted", "Teddy"),
    ("Theodore", "Theo", "Teddy", "Ted"),
    ("Oliver", "Ollie", "Olly"),
    ("Alfred", "Alfie", "Alf"),
    ("Frederick", "Freddie", "Fred"),
    ("Jonathan", "Jon", "John", "Johnny"),
    ("Nathan", "Nathaniel", "Nate"),
    ("Joshua", "Josh"),
    ("Charles", "Charlie", "Chas"),
    ("Henry", "Harry", "Hal"),
    ("Francis", "Frank", "Frankie"),
    ("Ronald", "Ron", "Ronnie"),
    ("Jakub", "Jacob", "Jake", "Kuba"),
    ("Yusuf", "Yousef", "Joseph"),
    ("Ibrahim", "Ebrahim", "Abraham"),
    ("Margaret", "Maggie", "Peggy", "Meg"),
    ("Rebecca", "Becky", "Becca"),
    ("Jennifer", "Jenny", "Jen"),
    ("Victoria", "Vicky", "Tori", "Wiktoria"),
    ("Samantha", "Sam", "Sammie"),
    ("Jessica", "Jess", "Jessie"),
    ("Abigail", "Abbie", "Abby"),
    ("Eleanor", "Ellie", "Nell", "Nora"),
    ("Isabella", "Isabelle", "Bella", "Izzy"),
    ("Amelia", "Millie", "Amy"),
    ("Florence", "Flo", "Florrie"),
    ("Natalie", "Natalia", "Nat"),
    ("Alexandra", "Aleksandra", "Alex", "Sasha"),
    ("Susan", "Sue", "Suzy"),
    ("Deborah", "Debbie", "Debs"),
    ("Patricia", "Pat", "Trish"),
    ("Christine", "Chris", "Chrissie"),
    ("Jacqueline", "Jackie"),
    ("Ayesha", "Aisha", "Aysha"),
    ("Fatima", "Fatimah", "Fatma"),
    ("Maryam", "Mariam", "Miriam"),
    ("Zofia", "Sophia", "Sofia", "Zosia"),
    ("Agnieszka", "Aga", "Agnes"),
    ("Katarzyna", "Kasia", "Kate"),
    ("Oluwaseun", "Seun", "Shaun"),
    ("Babatunde", "Tunde"),
)


class Table:
    """Names with Zipf-Mandelbrot weights by rank, drawn with one random number and a binary search."""

    def __init__(self, items, tail=(), tail_share=0.0, weights=None):
        weights = weights or [1 / (rank + 4) ** 0.9 for rank in range(len(items))]
        total = sum(weights)
        weights = [w * (1 - tail_share) / total for w in weights] + [tail_share / max(1, len(tail))] * len(tail)
        self.items = list(items) + list(tail)
        self.cumulative = list(accumulate(weights))

    def draw(self, rng: random.Random):
        """One name, the common ones often and the rare ones seldom."""
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def osa_distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two adjacent letters) from a to b: optimal string alignment."""
    before, previous = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        before, previous = previous, current
    return previous[-1]


@cache
def drawer() -> "NameDrawer":
    """The name tables, built once: they are only read."""
    return NameDrawer()


class NameDrawer:
    """Draws given and family names by origin, sex and generation."""

    def __init__(self):
        self.origins = Table(list(ORIGINS), weights=list(ORIGINS.values()))
        tail = [p + s for p in TAIL_PREFIXES for s in TAIL_SUFFIXES]
        self.family = {origin: Table(items) for origin, items in FAMILY.items()}
        self.family["british"] = Table(FAMILY["british"], tail=tail, tail_share=0.3)
        self.given = {
            sex: {group: Table(items) for group, items in table.items()}
            for sex, table in (("female", GIVEN_FEMALE), ("male", GIVEN_MALE))
        }
        self.near = {sex: self._near(table) for sex, table in (("female", GIVEN_FEMALE), ("male", GIVEN_MALE))}

    @staticmethod
    def _near(table) -> dict[str, list[str]]:
        """Given names one edit from another with the same first letter, such as Ava and Ada, for twins."""
        every = list(dict.fromkeys(n for items in table.values() for n in items))
        return {
            a: near for a in every
            if (near := [b for b in every if b != a and b[0] == a[0] and abs(len(a) - len(b)) <= 1
                         and osa_distance(a, b) == 1])
        }

    def family_name(self, rng: random.Random, origin: str, sex: str = "male") -> str:
        """A family name for the origin, now and then double-barrelled, feminine where the language says so."""
        origin = "british" if origin == "caribbean" else origin
        name = self.family[origin].draw(rng)
        if rng.random() < 0.02:
            other = self.family[origin].draw(rng)
            name = f"{name}-{other}" if other != name else name
        if sex == "female" and origin == "eastern_european" and name.endswith(("ski", "cki", "dzki")):
            name = name[:-1] + "a"
        return name

    def given_name(self, rng: random.Random, origin: str, sex: str, age: int) -> str:
        """A given name for the origin, sex and generation; a few are two words or hyphenated ("Lily Rose")."""
        british = "british_young" if age < 25 else "british_older"
        group = british if origin == "british" or rng.random() < 0.25 else origin
        name = self.given[sex][group].draw(rng)
        roll = rng.random()
        if roll < 0.06:
            second = rng.choice(SECOND_FEMALE if sex == "female" else SECOND_MALE)
            name = name if second == name else f"{name}{' ' if roll < 0.03 else '-'}{second}"
        return name
