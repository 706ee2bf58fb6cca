"""Synthetic but realistic British names, weighted roughly by how common they are."""

FEMALE = (
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow Florence Emily Ella Poppy "
    "Evie Elsie Charlotte Evelyn Sienna Sofia Daisy Phoebe Sophie Alice Harper Matilda Ruby Emilia Maya "
    "Jessica Chloe Hannah Lucy Amy Sarah Emma Laura Rebecca Gemma Kelly Lisa Claire Nicola Michelle Karen "
    "Joanne Samantha Victoria Charlotte Zara Aisha Fatima Maryam Amira Priya Anjali Niamh Siobhan Agnieszka "
    "Zuzanna Chiamaka Adaeze Precious Leah Megan Shannon Jade Courtney Kayleigh Stacey Danielle Natalie"
).split()
MALE = (
    "Oliver George Noah Arthur Muhammad Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie Theo "
    "Alfie Jacob Thomas Finley Arlo William Lucas Roman Tommy Isaac Teddy Alexander Luca Edward James "
    "Joshua Daniel Ryan Liam Callum Connor Jamie Kieran Lewis Nathan Adam Ben Craig Darren Lee Mark Paul "
    "Steven Andrew David Michael Christopher Matthew Robert Ahmed Omar Yusuf Ibrahim Arjun Rohan Sean "
    "Ciaran Jakub Kacper Chinedu Emeka Tobi Kai Mason Tyler Reece Jordan Dylan Ethan Logan Harrison"
).split()
FAMILY = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright "
    "Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper "
    "Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis "
    "Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw "
    "Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster "
    "Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills "
    "Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson "
    "Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford "
    "Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts "
    "Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster "
    "Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding "
    "Nowak Kowalski Okafor Adeyemi Mensah Osei Nguyen Chen Wang Rahman Uddin Miah Islam Chowdhury Sharma "
    "McDonald McCarthy Doyle Byrne O'Connor Quinn Gallagher Kennedy Lynch Doherty Smith-Jones Ashworth"
).split()
STREETS = (
    "Station Road, High Street, Church Lane, Mill Lane, Park Road, Victoria Road, Green Lane, Manor Road, "
    "Church Street, Queens Road, New Road, Grange Road, Kings Road, Alexandra Road, The Crescent, Springfield "
    "Road, Highfield Road, School Lane, North Street, Albert Road, Chapel Street, York Road, Orchard Close"
).split(", ")
TOWNS = {"north": ["Northtown", "Fernley", "Ashby Cross"], "central": ["Midtown", "Hearthbury", "Oakfield"],
         "south": ["Southtown", "Brookmere", "Little Hollow"]}
LANGUAGES = ["English"] * 20 + ["Polish", "Urdu", "Punjabi", "Bengali", "Romanian", "Arabic", "Somali", "Portuguese",
                                "Lithuanian", "Tigrinya", "Ukrainian", "Welsh"]
