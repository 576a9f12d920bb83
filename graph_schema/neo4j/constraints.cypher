// Generated from graph_schema/schema.yaml by kgrec.graph.schema.GraphSchema.neo4j_constraints();
// tests/graph/test_schema.py fails when this file is out of date.
CREATE CONSTRAINT user_node_id IF NOT EXISTS FOR (n:User) REQUIRE n.node_id IS UNIQUE;
CREATE CONSTRAINT item_node_id IF NOT EXISTS FOR (n:Item) REQUIRE n.node_id IS UNIQUE;
CREATE CONSTRAINT person_node_id IF NOT EXISTS FOR (n:Person) REQUIRE n.node_id IS UNIQUE;
CREATE CONSTRAINT genre_node_id IF NOT EXISTS FOR (n:Genre) REQUIRE n.node_id IS UNIQUE;
CREATE CONSTRAINT place_node_id IF NOT EXISTS FOR (n:Place) REQUIRE n.node_id IS UNIQUE;
CREATE CONSTRAINT theme_node_id IF NOT EXISTS FOR (n:Theme) REQUIRE n.node_id IS UNIQUE;
CREATE CONSTRAINT mood_node_id IF NOT EXISTS FOR (n:Mood) REQUIRE n.node_id IS UNIQUE;
CREATE CONSTRAINT entity_node_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.node_id IS UNIQUE;
CREATE INDEX user_name IF NOT EXISTS FOR (n:User) ON (n.name);
CREATE INDEX item_name IF NOT EXISTS FOR (n:Item) ON (n.name);
CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name);
CREATE INDEX genre_name IF NOT EXISTS FOR (n:Genre) ON (n.name);
CREATE INDEX place_name IF NOT EXISTS FOR (n:Place) ON (n.name);
CREATE INDEX theme_name IF NOT EXISTS FOR (n:Theme) ON (n.name);
CREATE INDEX mood_name IF NOT EXISTS FOR (n:Mood) ON (n.name);
CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name);
